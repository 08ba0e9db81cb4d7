package attacks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestStreamHoarding: 1100 streams opened and never finished, 100 more
// than the default MAX_CONCURRENT_STREAMS of 1000. The extra ones are
// refused (REFUSED_STREAM); the held ones cost bounded memory.
func TestStreamHoarding(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	const n = 1100
	for range n {
		c.open("BidirectionalStreamingEcho", false)
	}
	// A PING's ACK follows every answer to the HEADERS before it.
	require.NoError(t, c.fr.WritePing(false, [8]byte{'h'}))
	refused := 0
	c.until("PING ACK", func(f frame) bool {
		if f.typ == http2.FrameRSTStream && f.code == http2.ErrCodeRefusedStream {
			refused++
		}
		return f.typ == http2.FramePing && f.ack
	})
	h.sample()
	t.Logf("stream hoarding: %d opened, %d refused", n, refused)
	h.requireBelow(t, 64*mib, "1000 hoarded streams")
	require.Equal(t, n-1000, refused)
}

// TestHugeHeaders: a header list of 100 KiB (four fields of 25 KiB) sent
// in HEADERS and CONTINUATION, over the default 64 KiB limit. Today the
// frame reader (golang.org/x/net's) stops reading the block past the limit
// and ends the connection with GOAWAY PROTOCOL_ERROR; a small block that
// only decodes big gets 431 instead (TestHPACKBomb).
func TestHugeHeaders(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	v := strings.Repeat("h", 25<<10)
	big := []hpack.HeaderField{{Name: "x-huge-1", Value: v}, {Name: "x-huge-2", Value: v}, {Name: "x-huge-3", Value: v}, {Name: "x-huge-4", Value: v}}
	c.writeBlock(c.nextID, c.encode(c.requestFields("UnaryEcho", big...)))
	ga := c.goAway()
	h.sample()
	h.requireBelow(t, 16*mib, "a header list of 100 KiB")
	require.Equal(t, http2.ErrCodeProtocol, ga.code, "GOAWAY debug %q", ga.debug)
}

// TestHugeHeaderField: one header field of 100 KiB, longer than the whole
// 64 KiB header list limit. Today the HPACK decoder (golang.org/x/net's,
// as in grpc-go) refuses the string itself, which is a connection error:
// GOAWAY COMPRESSION_ERROR, with bounded memory.
func TestHugeHeaderField(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	id := c.nextID
	c.writeBlock(id, c.encode(c.requestFields("UnaryEcho", hpack.HeaderField{Name: "x-huge", Value: strings.Repeat("h", 100<<10)})))
	ga := c.goAway()
	h.sample()
	h.requireBelow(t, 16*mib, "one header field of 100 KiB")
	require.Equal(t, http2.ErrCodeCompression, ga.code, "GOAWAY debug %q", ga.debug)
}

// writeBlock sends a header block as HEADERS (END_STREAM) and
// CONTINUATION frames of 16 KiB; it stops when the server has hung up
// (the test then reads why).
func (c *rawClient) writeBlock(id uint32, block []byte) {
	for off := 0; off < len(block); off += 16384 {
		end := min(off+16384, len(block))
		var err error
		if off == 0 {
			err = c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block[:end], EndStream: true, EndHeaders: end == len(block)})
		} else {
			err = c.fr.WriteContinuation(id, end == len(block), block[off:end])
		}
		if err != nil {
			return
		}
	}
}
