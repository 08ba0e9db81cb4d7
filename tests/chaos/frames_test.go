package chaos

import (
	"encoding/binary"
	"fmt"
	"io"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// frame is one raw HTTP/2 frame, header included, as read off the wire.
type frame struct {
	raw    []byte
	typ    http2.FrameType
	flags  http2.Flags
	stream uint32
}

func (f frame) payload() []byte { return f.raw[9:] }

// readFrame reads one frame whole. The proxy forwards frames whole (or
// cuts them where a fault says), so it can tell frame boundaries, where an
// injected GOAWAY may go.
func readFrame(r io.Reader) (frame, error) {
	var hdr [9]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return frame{}, err
	}
	n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
	raw := make([]byte, 9+n)
	copy(raw, hdr[:])
	if _, err := io.ReadFull(r, raw[9:]); err != nil {
		return frame{}, err
	}
	return frame{raw: raw, typ: http2.FrameType(hdr[3]), flags: http2.Flags(hdr[4]),
		stream: binary.BigEndian.Uint32(hdr[5:9]) & (1<<31 - 1)}, nil
}

// goAwayFrame is a GOAWAY NO_ERROR with lastStream, as a server sends when
// it stops taking streams.
func goAwayFrame(lastStream uint32) []byte {
	debug := []byte("chaos proxy: going away")
	raw := make([]byte, 9+8+len(debug))
	n := 8 + len(debug)
	raw[0], raw[1], raw[2] = byte(n>>16), byte(n>>8), byte(n)
	raw[3] = byte(http2.FrameGoAway)
	binary.BigEndian.PutUint32(raw[9:], lastStream)
	binary.BigEndian.PutUint32(raw[13:], uint32(http2.ErrCodeNo))
	copy(raw[17:], debug)
	return raw
}

// requestHeaders decodes the client's header blocks, HEADERS plus any
// CONTINUATION, with one HPACK decoder per connection, so that the proxy
// learns which call (its x-chaos-id) each stream carries. Every block is
// decoded, forwarded or not, to keep the decoder in step with the client's
// encoder.
type requestHeaders struct {
	dec     *hpack.Decoder
	block   []byte
	stream  uint32
	pending bool
}

func newRequestHeaders() *requestHeaders {
	d := hpack.NewDecoder(4096, nil)
	d.SetAllowedMaxDynamicTableSize(1 << 20)
	d.SetMaxStringLength(1 << 20)
	return &requestHeaders{dec: d}
}

// headerBlock is a decoded request header block.
type headerBlock struct {
	stream   uint32
	id       string // x-chaos-id
	previous string // grpc-previous-rpc-attempts
}

// add takes a frame of the client's; done is true when f completed a
// header block.
func (h *requestHeaders) add(f frame) (headerBlock, bool, error) {
	switch f.typ {
	case http2.FrameHeaders:
		p := f.payload()
		pad := 0
		if f.flags.Has(http2.FlagHeadersPadded) {
			if len(p) < 1 {
				return headerBlock{}, false, fmt.Errorf("HEADERS too short for its padding")
			}
			pad, p = int(p[0]), p[1:]
		}
		if f.flags.Has(http2.FlagHeadersPriority) {
			if len(p) < 5 {
				return headerBlock{}, false, fmt.Errorf("HEADERS too short for its priority")
			}
			p = p[5:]
		}
		if pad > len(p) {
			return headerBlock{}, false, fmt.Errorf("HEADERS padding longer than its payload")
		}
		h.block = append(h.block[:0], p[:len(p)-pad]...)
		h.stream, h.pending = f.stream, true
		if !f.flags.Has(http2.FlagHeadersEndHeaders) {
			return headerBlock{}, false, nil
		}
	case http2.FrameContinuation:
		if !h.pending || f.stream != h.stream {
			return headerBlock{}, false, fmt.Errorf("CONTINUATION of stream %d out of place", f.stream)
		}
		h.block = append(h.block, f.payload()...)
		if !f.flags.Has(http2.FlagContinuationEndHeaders) {
			return headerBlock{}, false, nil
		}
	default:
		return headerBlock{}, false, nil
	}
	h.pending = false
	fields, err := h.dec.DecodeFull(h.block)
	if err != nil {
		return headerBlock{}, false, fmt.Errorf("decoding the header block of stream %d: %w", h.stream, err)
	}
	b := headerBlock{stream: h.stream}
	for _, f := range fields {
		switch f.Name {
		case idHeader:
			b.id = f.Value
		case "grpc-previous-rpc-attempts":
			b.previous = f.Value
		}
	}
	return b, true, nil
}
