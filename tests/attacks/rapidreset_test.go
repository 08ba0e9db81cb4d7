package attacks

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestRapidReset (CVE-2023-44487): HEADERS immediately followed by
// RST_STREAM, many thousand times, as fast as the socket takes them. Today
// the server absorbs it: every reset stream's handler is canceled, their
// number stays under MAX_CONCURRENT_STREAMS, the heap stays bounded, and
// the connection keeps serving (no GOAWAY).
func TestRapidReset(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	base := goroutines()
	c := dial(t, addr)
	c.ready()
	const n = 10000
	peakG := 0
	sent := 0
	for i := range n {
		id := c.open("BidirectionalStreamingEcho", false)
		if c.fr.WriteRSTStream(id, http2.ErrCodeCancel) != nil {
			break
		}
		sent++
		if i%2000 == 0 {
			peakG = max(peakG, goroutines()-base)
			h.sample()
		}
	}
	h.sample()
	ga, alive := c.endOrPing()
	h.sample()
	t.Logf("rapid reset: %d of %d HEADERS+RST_STREAM sent; alive=%v goaway=%+v; goroutine growth peak %d", sent, n, alive, ga, peakG)
	h.requireBelow(t, 32*mib, "rapid reset, 10000 streams")
	require.Less(t, peakG, 2000, "handlers piled up")
	require.True(t, alive, "the connection ended after a rapid reset (GOAWAY %+v)", ga)
	// It still serves a call.
	id := c.open("UnaryEcho", false)
	require.NoError(t, c.fr.WriteData(id, true, echoRequest(t, "after the storm")))
	c.until("the unary response's trailers", func(f frame) bool {
		return f.typ == http2.FrameHeaders && f.stream == id && f.endStream()
	})
}
