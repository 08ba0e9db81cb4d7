package bufpool

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClassSizes(t *testing.T) {
	for _, tc := range []struct{ n, size int }{
		{0, 0}, {1, 0}, {512, 0}, // small: not pooled
		{513, 1 << 10}, {1 << 10, 1 << 10}, {1<<10 + 1, 2 << 10}, {1029, 2 << 10},
		{8<<10 + 1, 16 << 10}, {16 << 10, 16 << 10}, // a full default DATA frame
		{16<<10 + 1, 20 << 10}, {20 << 10, 20 << 10}, {32 << 10, 32 << 10}, {32<<10 + 1, 40 << 10},
		{1 << 20, 1 << 20}, {1<<20 + 5, 1280 << 10}, // a 1 MiB string's framed message: 1.25 MiB
		{largeMax, largeMax},
		{largeMax + 1, 0}, // over the default receive limit: not pooled
	} {
		b := Get(tc.n)
		if tc.size == 0 {
			require.Nil(t, b, "n=%d", tc.n)
			continue
		}
		require.Len(t, b, tc.size, "n=%d", tc.n)
		require.True(t, Pooled(b), "n=%d", tc.n)
	}
}

// Every pooled size has one class, a power of two apart in the small tier
// and a quarter octave apart in the large one, and the size of a class is
// in that class.
func TestClassesCoverEverySize(t *testing.T) {
	class := func(n int) (tier, c, size int) {
		if c, size := smallClass(n); c >= 0 {
			return 0, c, size
		}
		c, size = largeClass(n)
		return 1, c, size
	}
	prevTier, prevClass, prevSize := 0, -1, 0
	for n := 513; n <= largeMax; n += 509 {
		tier, c, size := class(n)
		require.GreaterOrEqual(t, c, 0, "n=%d", n)
		require.GreaterOrEqual(t, size, n)
		if tier == 0 {
			require.Less(t, size, 2*n, "n=%d: less than twice", n)
		} else {
			require.LessOrEqual(t, 4*size, 5*n, "n=%d: at most 25%% over", n)
		}
		againTier, again, same := class(size)
		require.Equal(t, []int{tier, c, size}, []int{againTier, again, same})
		if tier != prevTier {
			require.Equal(t, []int{numSmall - 1, 0}, []int{prevClass, c}, "n=%d", n)
			prevTier, prevClass, prevSize = tier, c, size
		}
		if c != prevClass {
			require.Equal(t, prevClass+1, c, "n=%d", n)
			prevClass, prevSize = c, size
		}
		require.Equal(t, prevSize, size)
	}
	require.Equal(t, []int{1, numLarge - 1}, []int{prevTier, prevClass})
}

func drainAll() {
	for _, lists := range [][]chan []byte{small[:], large[:]} {
		for _, l := range lists {
			for _, b := range drainList(l) {
				if _, size := largeClass(cap(b)); size > 0 {
					earn(units(size))
				}
			}
		}
	}
}

func drainList(ch chan []byte) (out [][]byte) {
	for {
		select {
		case b := <-ch:
			out = append(out, b)
		default:
			return out
		}
	}
}

func TestBufferReused(t *testing.T) {
	drainAll()
	defer drainAll()
	for _, n := range []int{3 << 10, 100 << 10} {
		b := Get(n)
		Put(b[:1])          // any length of it: the whole buffer goes back
		again := Get(n + 7) // the same class
		require.Same(t, &b[0], &again[0], "n=%d", n)
	}
	require.Empty(t, budget, "a buffer taken earns its budget back")

	Put(make([]byte, 100<<10)) // not a class size: left to the collector
	Put(make([]byte, 3<<10))
	Put(Get(4 << 10)[1:]) // not from the buffer's start
	Put(nil)
	for _, lists := range [][]chan []byte{small[:], large[:]} {
		for _, l := range lists {
			require.Empty(t, l)
		}
	}
}

// What the lists hold stays bounded, however many buffers are given back
// and of whatever sizes: the large lists within the budget together, each
// small list within its bytes.
func TestListsBounded(t *testing.T) {
	drainAll()
	defer drainAll()
	var taken [][]byte
	for _, n := range []int{largeMax, largeMax, largeMax, 3 << 20, 3 << 20, 1<<20 + 4, 300 << 10, 20 << 10} {
		taken = append(taken, Get(n), Get(n))
	}
	for range 2 * smallListBytes / (16 << 10) {
		taken = append(taken, Get(16<<10))
	}
	for _, b := range taken { // 26 MiB and more
		Put(b[:0])
	}
	held := 0
	for _, l := range large {
		for _, b := range drainList(l) {
			held += cap(b)
			_, size := largeClass(cap(b))
			earn(units(size))
		}
	}
	require.Positive(t, held)
	require.LessOrEqual(t, held, largeBudget)
	require.Empty(t, budget)
	require.Equal(t, smallListBytes/(16<<10), len(small[numSmall-1]))
}

func TestPooled(t *testing.T) {
	require.True(t, Pooled(make([]byte, 0, 20<<10)))
	require.True(t, Pooled(make([]byte, 5, 1<<20)))
	require.True(t, Pooled(make([]byte, 2<<10)))
	require.False(t, Pooled(make([]byte, 20<<10+1)), "not a class size")
	require.False(t, Pooled(make([]byte, 3<<10)), "not a class size")
	require.False(t, Pooled(make([]byte, 512)), "too small to pool")
	require.False(t, Pooled(nil))
}
