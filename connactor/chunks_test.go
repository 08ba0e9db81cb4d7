package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChunkClass(t *testing.T) {
	for _, tc := range []struct{ n, size int }{
		{0, 0}, {1, 0}, {minChunk / 2, 0}, // small: a buffer of their own
		{minChunk/2 + 1, 1 << 10}, {1 << 10, 1 << 10},
		{1<<10 + 1, 2 << 10}, {1029, 2 << 10},
		{8<<10 + 1, 16 << 10}, {chunkSize, 16 << 10},
		{chunkSize + 1, 0}, // larger than a default frame: a buffer of its own
	} {
		c := chunkClass(tc.n)
		if tc.size == 0 {
			require.Equal(t, -1, c, "n=%d", tc.n)
			continue
		}
		require.Equal(t, tc.size, minChunk<<c, "n=%d", tc.n)
	}
}

// A chunk holds more than half its size, so what a peer's window lets in
// costs us at most twice as much.
func TestNewPayloadAtMostDoubles(t *testing.T) {
	for n := 1; n <= chunkSize+100; n += 37 {
		b := newPayload(n)
		require.Len(t, b, n)
		require.LessOrEqual(t, cap(b), max(2*n, minChunk/2), "n=%d", n)
	}
}

func TestRecycleDataKeepsOnlyChunks(t *testing.T) {
	drain := func(c int) {
		for {
			select {
			case <-freeChunks[c]:
			default:
				return
			}
		}
	}
	c := chunkClass(chunkSize)
	drain(c)
	RecycleData(make([]byte, 10, chunkSize-1)) // not a chunk's size
	RecycleData(newPayload(chunkSize)[1:])     // not from a chunk's start
	RecycleData(nil)
	require.Empty(t, freeChunks[c])

	b := newPayload(chunkSize - 5)
	RecycleData(b[:2]) // any length of it: the whole chunk goes back
	require.Len(t, freeChunks[c], 1)
	again := newPayload(chunkSize)
	require.Len(t, again, chunkSize)
	require.Same(t, &b[:1][0], &again[:1][0], "the chunk given back is the one taken")
	require.Empty(t, freeChunks[c])
}
