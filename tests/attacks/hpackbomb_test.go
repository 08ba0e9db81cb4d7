package attacks

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestHPACKBomb: a header block of about 4 KiB that decodes to 4 MiB: one
// 4000-byte value put in the dynamic table, then referenced 1000 times by
// one-byte indexed fields. Today the server stops decoding at its 64 KiB
// limit, answers 431 (grpc-status INTERNAL) and keeps the connection.
func TestHPACKBomb(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	id := c.nextID
	c.nextID += 2
	block := c.encode(c.requestFields("UnaryEcho", hpack.HeaderField{Name: "x-bomb", Value: strings.Repeat("b", 4000)}))
	// x-bomb is the newest entry of the dynamic table: index 62.
	block = append(block, bytes.Repeat([]byte{0x80 | 62}, 1000)...)
	for off := 0; off < len(block); off += 16384 {
		end := min(off+16384, len(block))
		if off == 0 {
			require.NoError(t, c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block[:end], EndStream: true, EndHeaders: end == len(block)}))
		} else {
			require.NoError(t, c.fr.WriteContinuation(id, end == len(block), block[off:end]))
		}
	}
	var got frame
	for {
		got = c.next()
		if got.readErr != nil || got.typ == http2.FrameGoAway || (got.stream == id && (got.typ == http2.FrameHeaders || got.typ == http2.FrameRSTStream)) {
			break
		}
	}
	h.sample()
	t.Logf("hpack bomb: %d byte block; server answered %v code %v fields %v debug %q", len(block), got.typ, got.code, got.fields, got.debug)
	ga, alive := c.endOrPing()
	t.Logf("then alive=%v goaway=%+v", alive, ga)
	h.requireBelow(t, 16*mib, "hpack bomb")
	require.Equal(t, http2.FrameHeaders, got.typ, "the server did not answer with 431")
	require.Contains(t, got.fields, hpack.HeaderField{Name: ":status", Value: "431"})
	require.True(t, alive, "a refused header list ended the connection (GOAWAY %+v)", ga)
}
