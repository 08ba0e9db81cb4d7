package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A chunk holds more than half its size, so what a peer's window lets in
// costs us at most twice as much.
func TestNewPayloadAtMostDoubles(t *testing.T) {
	for n := 1; n <= 4*chunkSize; n += 37 {
		b := newPayload(n)
		require.Len(t, b, n)
		require.LessOrEqual(t, cap(b), max(2*n, minChunk/2), "n=%d", n)
	}
}
