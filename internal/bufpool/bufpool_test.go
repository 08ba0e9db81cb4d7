package bufpool

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSizeClass(t *testing.T) {
	for _, tc := range []struct{ n, size int }{
		{0, 0}, {minPooled / 2, 0}, // small: not pooled
		{minPooled/2 + 1, 16 << 10}, {16 << 10, 16 << 10},
		{16<<10 + 1, 20 << 10}, {20 << 10, 20 << 10}, {32 << 10, 32 << 10}, {32<<10 + 1, 40 << 10},
		{1 << 20, 1 << 20}, {1<<20 + 4, 1280 << 10}, // a 1 MiB string's message: 1.25 MiB
		{maxPooled, maxPooled},
		{maxPooled + 1, 0}, // over the default receive limit: not pooled
	} {
		class, size := sizeClass(tc.n)
		if tc.size == 0 {
			require.Equal(t, -1, class, "n=%d", tc.n)
			continue
		}
		require.Equal(t, tc.size, size, "n=%d", tc.n)
		require.Less(t, class, numClasses)
	}
	// Every pooled size has one class, a quarter octave from the next, and
	// the size of a class is in that class.
	prevClass, prevSize := -1, 0
	for n := minPooled/2 + 1; n <= maxPooled; n += 509 {
		class, size := sizeClass(n)
		require.GreaterOrEqual(t, size, n)
		require.LessOrEqual(t, 4*size, 5*max(n, minPooled), "n=%d: at most 25%% over", n)
		again, same := sizeClass(size)
		require.Equal(t, class, again)
		require.Equal(t, size, same)
		if class != prevClass {
			require.Equal(t, prevClass+1, class, "n=%d", n)
			prevClass, prevSize = class, size
		}
		require.Equal(t, prevSize, size)
	}
	require.Equal(t, numClasses-1, prevClass)
}

func drainAll() {
	for c := range freeMsgBufs {
		for {
			select {
			case b := <-freeMsgBufs[c]:
				_, size := sizeClass(cap(b))
				earn(units(size))
				continue
			default:
			}
			break
		}
	}
}

func TestMessageBufferReused(t *testing.T) {
	drainAll()
	defer drainAll()
	b := Get(100 << 10)
	require.Len(t, b, 112<<10)
	Put(b)
	again := Get(100<<10 + 7) // the same class
	require.Same(t, &b[0], &again[0])
	require.Empty(t, budget, "a buffer taken earns its budget back")

	Put(make([]byte, 100<<10)) // not a class size: left to the collector
	Put(nil)
	for c := range freeMsgBufs {
		require.Empty(t, freeMsgBufs[c])
	}
}

// What the free lists hold together stays within the budget, however many
// buffers are given back and of whatever sizes.
func TestMessageBuffersWithinBudget(t *testing.T) {
	drainAll()
	defer drainAll()
	var taken [][]byte
	for _, n := range []int{maxPooled, maxPooled, maxPooled, 3 << 20, 3 << 20, 1<<20 + 4, 300 << 10, 20 << 10} {
		taken = append(taken, Get(n), Get(n))
	}
	for _, b := range taken { // 26 MiB and more
		Put(b[:0])
	}
	held := 0
	for c := range freeMsgBufs {
		for _, b := range drainList(freeMsgBufs[c]) {
			held += cap(b)
			_, size := sizeClass(cap(b))
			earn(units(size))
		}
	}
	require.Positive(t, held)
	require.LessOrEqual(t, held, poolBudget)
	require.Empty(t, budget)
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

func TestPooled(t *testing.T) {
	require.True(t, Pooled(make([]byte, 0, 20<<10)))
	require.True(t, Pooled(make([]byte, 5, 1<<20)))
	require.False(t, Pooled(make([]byte, 20<<10+1)), "not a class size")
	require.False(t, Pooled(make([]byte, 4<<10)), "too small to pool")
	require.False(t, Pooled(nil))
}
