package streamactor

// Benchmarks of the per-call hot paths of this package, each on its own:
// message framing, reassembly, and the request and response headers.
//
//	go test -run '^$' -bench . -benchmem ./streamactor/

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1B", 1}, {"1KiB", 1 << 10}, {"1MiB", 1 << 20}}

func BenchmarkAppendMessage(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			payload := bytes.Repeat([]byte{'x'}, sz.n)
			dst := make([]byte, 0, prefixLen+sz.n)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendMessage(dst[:0], payload, false)
			}
		})
	}
	b.Run("1B-fresh", func(b *testing.B) {
		// What a send does when it frames into a new buffer.
		payload := []byte{'x'}
		b.ReportAllocs()
		for b.Loop() {
			_ = AppendMessage(nil, payload, false)
		}
	})
}

// chunks cuts data the way DATA frames of at most frame bytes would.
func chunks(data []byte, frame int) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(frame, len(data))
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func BenchmarkReassemblerFeed(b *testing.B) {
	for _, sz := range benchSizes {
		// One message arriving in 16 KiB DATA frames (one frame for the
		// small ones: the no-copy fast path).
		// pooled: as the stream actors use it, each message released.
		for _, pooled := range []bool{false, true} {
			name := sz.name
			if pooled {
				name += "-pooled"
			}
			b.Run(name, func(b *testing.B) {
				wire := AppendMessage(nil, bytes.Repeat([]byte{'x'}, sz.n), false)
				parts := chunks(wire, 16<<10)
				r := reassembler{maxSize: 4 << 20, pool: pooled}
				out := make([]Message, 0, 4)
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					out = out[:0]
					for _, p := range parts {
						var st *status.Status
						if out, _, st = r.feed(p, out); st != nil {
							b.Fatal(st.Err())
						}
					}
					if len(out) != 1 {
						b.Fatalf("%d messages", len(out))
					}
					if pooled {
						out[0].Release()
					}
				}
			})
		}
	}
	b.Run("64x1KiB-in-16KiB-frames", func(b *testing.B) {
		// A stream's worth of small messages, cut across frame boundaries.
		var wire []byte
		for range 64 {
			wire = AppendMessage(wire, bytes.Repeat([]byte{'y'}, 1<<10), false)
		}
		parts := chunks(wire, 16<<10)
		r := reassembler{maxSize: 4 << 20}
		out := make([]Message, 0, 64)
		b.SetBytes(64 << 10)
		b.ReportAllocs()
		for b.Loop() {
			out = out[:0]
			for _, p := range parts {
				var st *status.Status
				if out, _, st = r.feed(p, out); st != nil {
					b.Fatal(st.Err())
				}
			}
			if len(out) != 64 {
				b.Fatalf("%d messages", len(out))
			}
		}
	})
}

// benchHead is a unary call as rpc.ClientConn opens it.
func benchHead() RequestHead {
	return RequestHead{
		Method:         "/grpc.examples.echo.Echo/UnaryEcho",
		Authority:      "127.0.0.1:50051",
		Scheme:         "http",
		UserAgent:      "actorpc-go/dev",
		AcceptEncoding: "gzip",
	}
}

func BenchmarkRequestHeadFields(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		h := benchHead()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Fields(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("deadline+metadata", func(b *testing.B) {
		h := benchHead()
		h.Timeout = 1500 * time.Millisecond
		h.Metadata = metadata.Pairs("x-user", "ada", "x-trace-bin", "\x01\x02\x03")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Fields(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkParseRequest(b *testing.B) {
	b.Run("actorpc-client", func(b *testing.B) {
		fields, err := benchHead().Fields()
		if err != nil {
			b.Fatal(err)
		}
		parse(b, fields)
	})
	b.Run("grpc-go-client", func(b *testing.B) {
		// The headers grpc-go sends for a unary call with a deadline.
		parse(b, []hpack.HeaderField{
			{Name: ":method", Value: "POST"},
			{Name: ":scheme", Value: "http"},
			{Name: ":path", Value: "/grpc.examples.echo.Echo/UnaryEcho"},
			{Name: ":authority", Value: "127.0.0.1:50051"},
			{Name: "content-type", Value: "application/grpc"},
			{Name: "user-agent", Value: "grpc-go/1.85.0"},
			{Name: "te", Value: "trailers"},
			{Name: "grpc-timeout", Value: "999859u"},
		})
	})
}

func parse(b *testing.B, fields []hpack.HeaderField) {
	b.ReportAllocs()
	for b.Loop() {
		if _, rej := ParseRequest(fields, false); rej != nil {
			b.Fatal(rej.Status.Err())
		}
	}
}

// BenchmarkResponseFields: the headers and trailers of an OK unary
// response with no metadata, as the server renders them for every call.
func BenchmarkResponseFields(b *testing.B) {
	ok := status.New(codes.OK, "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ResponseHeaderFields(ContentType, nil); err != nil {
			b.Fatal(err)
		}
		_ = TrailerFields(ok, nil)
	}
}

// BenchmarkParseResponse: the client reading response headers and an OK
// trailer.
func BenchmarkParseResponse(b *testing.B) {
	header, err := ResponseHeaderFields(ContentType, nil)
	if err != nil {
		b.Fatal(err)
	}
	trailer := TrailerFields(status.New(codes.OK, ""), nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseResponse(header); err != nil {
			b.Fatal(err)
		}
		if _, err := parseResponse(trailer); err != nil {
			b.Fatal(err)
		}
	}
}
