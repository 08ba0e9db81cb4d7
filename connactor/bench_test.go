package connactor

// Benchmarks of the connection's hot paths: the writer putting frames on
// the wire (no socket: a connection that discards), the reader copying
// frames out of the framer, and a whole unary-shaped exchange between two
// Conns over loopback TCP, without the stream and rpc layers above.
//
//	go test -run '^$' -bench . -benchmem ./connactor/

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/actors"
)

var (
	benchRequest = []hpack.HeaderField{
		{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"},
		{Name: ":path", Value: "/grpc.examples.echo.Echo/UnaryEcho"}, {Name: ":authority", Value: "127.0.0.1:50051"},
		{Name: "content-type", Value: "application/grpc"}, {Name: "user-agent", Value: "actorpc-go/dev"},
		{Name: "te", Value: "trailers"},
	}
	benchResponse = []hpack.HeaderField{{Name: ":status", Value: "200"}, {Name: "content-type", Value: "application/grpc"}}
	benchTrailer  = []hpack.HeaderField{{Name: "grpc-status", Value: "0"}}
)

// discardConn is a net.Conn whose writes vanish.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error)      { return len(p), nil }
func (discardConn) SetWriteDeadline(time.Time) error { return nil }
func (discardConn) SetDeadline(time.Time) error      { return nil }
func (discardConn) SetReadDeadline(time.Time) error  { return nil }
func (discardConn) Close() error                     { return nil }
func (discardConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (discardConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (discardConn) Read(p []byte) (n int, err error) { select {} }

var _ net.Conn = discardConn{}

// benchWriter is a writer with windows that never run out, driven directly
// on the benchmark's goroutine (the writer's loop is not running).
func benchWriter(b *testing.B) *writer {
	w := newWriter(discardConn{}, time.Minute, 16)
	w.applyPeerSettings([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: maxWindow}})
	w.connWindow = maxWindow
	return w
}

func (w *writer) benchHandle(b *testing.B, op writerOp) {
	if _, err := w.handle(op); err != nil {
		b.Fatal(err)
	}
	if w.err != nil {
		b.Fatal(w.err)
	}
}

// refill keeps the windows open for a long benchmark.
func (w *writer) refill(id uint32) {
	if w.connWindow < 1<<30 {
		w.connWindow = maxWindow
	}
	if s := w.streams[id]; s != nil && s.window < 1<<30 {
		s.window = maxWindow
	}
}

// BenchmarkWriterData: one stream's Write of a DATA payload, framed at the
// default max frame size and flushed.
func BenchmarkWriterData(b *testing.B) {
	for _, sz := range []struct {
		name string
		n    int
	}{{"6B", 6}, {"1KiB", 1 << 10}, {"64KiB", 64 << 10}} {
		b.Run(sz.name, func(b *testing.B) {
			w := benchWriter(b)
			w.benchHandle(b, announceOp(1))
			data := bytes.Repeat([]byte{'x'}, sz.n)
			done := make(chan error, 1)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				w.refill(1)
				w.benchHandle(b, writeOp(Write{StreamID: 1, Data: data, Done: done}))
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				if err := w.flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriterUnaryResponse: what a server's writer does for each unary
// call: a new stream, then headers, one small message and the trailers in
// one Write, flushed.
func BenchmarkWriterUnaryResponse(b *testing.B) {
	w := benchWriter(b)
	data := []byte{0, 0, 0, 0, 1, 'x'}
	done := make(chan error, 1)
	id := uint32(1)
	b.ReportAllocs()
	for b.Loop() {
		w.connWindow = maxWindow
		w.benchHandle(b, announceOp(id))
		w.benchHandle(b, writeOp(Write{StreamID: id, Header: benchResponse, Data: data, Trailer: benchTrailer, Done: done}))
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		if err := w.flush(); err != nil {
			b.Fatal(err)
		}
		id += 2
	}
}

// BenchmarkWriterOpen: what a client's writer does for each unary call:
// the request headers, the message and END_STREAM.
func BenchmarkWriterOpen(b *testing.B) {
	w := benchWriter(b)
	data := []byte{0, 0, 0, 0, 1, 'x'}
	id := uint32(1)
	b.ReportAllocs()
	for b.Loop() {
		w.connWindow = maxWindow
		w.benchHandle(b, openOp(Write{StreamID: id, Header: benchRequest, Data: data, EndStream: true}))
		if err := w.flush(); err != nil {
			b.Fatal(err)
		}
		id += 2
	}
}

// loopReader replays the same bytes for ever.
type loopReader struct {
	data []byte
	off  int
}

func (r *loopReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[r.off:])
	r.off = (r.off + n) % len(r.data)
	return n, nil
}

// BenchmarkReaderUnaryResponse: the reader taking a unary response
// (HEADERS, DATA, trailing HEADERS) off the wire and copying it out of
// the framer, as a client's reader does for every call.
func BenchmarkReaderUnaryResponse(b *testing.B) {
	var wire bytes.Buffer
	fr := http2.NewFramer(&wire, nil)
	var hbuf bytes.Buffer
	henc := hpack.NewEncoder(&hbuf)
	block := func(fields []hpack.HeaderField) []byte {
		hbuf.Reset()
		for _, f := range fields {
			henc.WriteField(f)
		}
		return bytes.Clone(hbuf.Bytes())
	}
	// Literals only, so every replay decodes alike.
	henc.SetMaxDynamicTableSizeLimit(0)
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block(benchResponse), EndHeaders: true})
	fr.WriteData(1, false, []byte{0, 0, 0, 0, 1, 'x'})
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block(benchTrailer), EndHeaders: true, EndStream: true})

	br := newReadBuf(&loopReader{data: wire.Bytes()})
	r := &reader{fr: newReadFramer(br, Config{}.withDefaults()), br: br}
	b.ReportAllocs()
	for b.Loop() {
		for range 3 {
			if f := r.read(); f.err != nil || f.streamErr != nil {
				b.Fatal(f.err, f.streamErr)
			}
		}
	}
}

// benchConns is a client and a server Conn joined by loopback TCP; the
// server answers every stream with echo.
func benchConns(b *testing.B, echo func(*Stream)) *Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	ctx := context.Background()
	type accepted struct {
		c   *Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			ch <- accepted{nil, err}
			return
		}
		c, err := Accept(ctx, nc, Config{Accept: func(s *Stream) *actors.Ref {
			return actors.Spawn(ctx, "echo", func(context.Context) error { echo(s); return nil })
		}})
		if err != nil {
			nc.Close()
		}
		ch <- accepted{c, err}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	client, err := Dial(ctx, nc, Config{})
	if err != nil {
		nc.Close()
		<-ch
		b.Fatal(err)
	}
	a := <-ch
	if a.err != nil {
		client.Close(nil)
		<-client.Done()
		b.Fatal(a.err)
	}
	b.Cleanup(func() {
		client.Close(nil)
		a.c.Close(nil)
		<-client.Done()
		<-a.c.Done()
		nc.Close()
	})
	return client
}

// awaitEnd reads a stream's events until the peer ended it, and returns
// the DATA that came.
func awaitEnd(s *Stream) ([]byte, bool) {
	var data []byte
	for {
		select {
		case ev := <-s.Events():
			if ev.Flush {
				s.Flush()
			}
			switch ev.Kind {
			case EventData:
				data = append(data, ev.Data...)
			case EventReset, EventClosed:
				return data, false
			}
			if ev.EndStream {
				return data, true
			}
		case <-s.ConnDone():
			return data, false
		}
	}
}

// BenchmarkConnUnaryRoundTrip: a unary-shaped exchange at this layer
// alone: the client opens a stream with headers, a 6-byte message and
// END_STREAM; the server's stream goroutine answers with headers, the
// message and trailers in one Write; both release. The difference from
// tests/bench's unary figure is what streamactor and rpc add.
func BenchmarkConnUnaryRoundTrip(b *testing.B) {
	client := benchConns(b, func(s *Stream) {
		defer s.Release()
		data, ok := awaitEnd(s)
		if !ok {
			return
		}
		s.Write(Write{Header: benchResponse, Data: data, Trailer: benchTrailer})
	})
	msg := []byte{0, 0, 0, 0, 1, 'x'}
	ctx := context.Background()
	roundTrip := func() error {
		s, err := client.Open(ctx, OpenRequest{Header: benchRequest, Data: msg, EndStream: true})
		if err != nil {
			return err
		}
		defer s.Release()
		if data, ok := awaitEnd(s); !ok || len(data) != len(msg) {
			return ErrStreamClosed
		}
		return nil
	}
	b.Run("1-in-flight", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := roundTrip(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := roundTrip(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
