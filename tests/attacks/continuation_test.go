package attacks

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestContinuationFlood (CVE-2024-27316 and kin): HEADERS without
// END_HEADERS, then CONTINUATION frames that never end the block. The
// server must not buffer the block. Today it reads a little past its 64
// KiB header list limit and ends the connection with GOAWAY PROTOCOL_ERROR.
func TestContinuationFlood(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	id := c.nextID
	require.NoError(t, c.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID: id, BlockFragment: c.encode(c.requestFields("UnaryEcho")), EndHeaders: false,
	}))
	// Up to 64 MiB of CONTINUATION of valid literal fields.
	chunk := bytes.Repeat([]byte{0x00, 0x01, 'x', 0x01, 'y'}, 16384/5) // x: y, not indexed
	const n = 4096
	sent := 0
	for range n {
		if c.fr.WriteContinuation(id, false, chunk) != nil {
			break
		}
		sent++
		if sent%256 == 0 {
			h.sample()
		}
	}
	ga, alive := c.endOrPing()
	h.sample()
	t.Logf("continuation flood: %d of %d frames (%.1f MiB) sent; alive=%v goaway=%+v", sent, n, float64(sent*len(chunk))/mib, alive, ga)
	h.requireBelow(t, 32*mib, "continuation flood")
	require.False(t, alive)
	require.NotNil(t, ga, "the server hung up without GOAWAY")
	require.Equal(t, http2.ErrCodeProtocol, ga.code, "GOAWAY debug %q", ga.debug)
	require.Less(t, sent, n, "the server read all 64 MiB of one header block")
}
