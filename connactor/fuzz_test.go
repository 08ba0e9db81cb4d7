package connactor

// Fuzz targets for the frame reader and the connection actor: arbitrary
// bytes from the peer, after the handshake's fixed part, to a server Conn
// (after the client preface) and to a client Conn (after the server's
// SETTINGS). The property is the one bad input must always get: no panic,
// no hang, no leak. Once the peer's bytes end (it half-closes), the Conn
// must end within waitLimit, close the socket, let every stream's owner
// finish, and leave no goroutine behind; a GOAWAY carrying an error code
// carries a debug message saying why, and the Conn's error a message.

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/actors"
)

// maxDrained bounds what a fuzz peer keeps of what the Conn sends; the
// rest is read and dropped.
const maxDrained = 4 << 20

// drainResult is what the Conn sent until it closed the socket.
type drainResult struct {
	out []byte
	err error // io.EOF or a reset: the Conn closed; a deadline: it did not
}

// drainConn reads nc until the Conn closes it or waitLimit passes.
func drainConn(nc net.Conn) <-chan drainResult {
	res := make(chan drainResult, 1)
	go func() {
		nc.SetReadDeadline(time.Now().Add(waitLimit))
		var out []byte
		buf := make([]byte, 32<<10)
		for {
			n, err := nc.Read(buf)
			if len(out) < maxDrained {
				out = append(out, buf[:n]...)
			}
			if err != nil {
				res <- drainResult{out, err}
				return
			}
		}
	}()
	return res
}

// checkDrained fails unless the Conn closed the socket, and every GOAWAY it
// sent with an error code says why in its debug data.
func checkDrained(t *testing.T, res <-chan drainResult, skip int) {
	t.Helper()
	var d drainResult
	select {
	case d = <-res:
	case <-time.After(2 * waitLimit):
		t.Fatal("the peer's reader never ended")
	}
	if errors.Is(d.err, context.DeadlineExceeded) || isTimeout(d.err) {
		t.Fatalf("the Conn did not close the socket within %v", waitLimit)
	}
	if len(d.out) < skip {
		return
	}
	fr := http2.NewFramer(nil, bytes.NewReader(d.out[skip:]))
	fr.SetMaxReadFrameSize(maxMaxFrameSize)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return // the end, or what was cut at maxDrained
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok && ga.ErrCode != http2.ErrCodeNo && len(ga.DebugData()) == 0 {
			t.Fatalf("GOAWAY %v without a debug message", ga.ErrCode)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// fuzzStreams runs an owner for each stream, as the stream actors would:
// it reads the stream's events, gives back the window of what it read,
// answers a server stream once the request ended, and releases the stream.
type fuzzStreams struct {
	wg sync.WaitGroup
}

func (fs *fuzzStreams) accept(s *Stream) *actors.Ref {
	fs.wg.Add(1)
	return actors.Spawn(context.Background(), "fuzz stream", func(ctx context.Context) error {
		defer fs.wg.Done()
		fs.own(s, true, ctx.Done())
		return nil
	})
}

func (fs *fuzzStreams) run(s *Stream, server bool, canceled <-chan struct{}) {
	fs.wg.Add(1)
	go func() {
		defer fs.wg.Done()
		fs.own(s, server, canceled)
	}()
}

// own reads the stream until it ends, then releases it.
func (fs *fuzzStreams) own(s *Stream, server bool, canceled <-chan struct{}) {
	defer s.Release()
	for {
		select {
		case ev := <-s.Events():
			if ev.Flush {
				s.Flush()
			}
			if !fs.handle(s, server, ev) {
				return
			}
		case <-canceled:
			return
		case <-s.ConnDone():
			s.TakeOver()
			return
		}
	}
}

// handle reports whether the owner goes on reading.
func (fs *fuzzStreams) handle(s *Stream, server bool, ev Event) bool {
	switch ev.Kind {
	case EventData:
		s.Consumed(len(ev.Data))
		RecycleData(ev.Data)
	case EventReset, EventClosed:
		if ev.Err != nil && ev.Err.Error() == "" {
			panic("a stream ended with an empty error")
		}
		return false
	}
	if !ev.EndStream {
		return true
	}
	if server {
		s.Write(Write{Header: responseHeaders, Data: []byte{0, 0, 0, 0, 2, 'o', 'k'}, Trailer: okTrailers})
	}
	return false
}

// wait waits for every owner, within waitLimit.
func (fs *fuzzStreams) wait(t *testing.T) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		fs.wg.Wait()
		close(done)
	}()
	waitClosed(t, done, "the streams' owners ending")
}

// fuzzListener is one loopback listener for all the inputs of a target: a
// listener per input runs the machine out of ports (each input leaves a
// socket in TIME_WAIT, and a new listener cannot take such a port).
func fuzzListener(f *testing.F) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ln.Close() })
	return ln
}

// fuzzPair returns the two ends of a loopback TCP connection through ln;
// both are closed when the input's test ends.
func fuzzPair(t *testing.T, ln net.Listener) (dialed, accepted *net.TCPConn) {
	t.Helper()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		ch <- result{c, err}
	}()
	d, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dialing the fuzz listener: %v", err) // the Accept goroutine ends with the listener
	}
	r := <-ch
	if r.err != nil {
		d.Close()
		t.Fatalf("accepting: %v", r.err)
	}
	t.Cleanup(func() {
		d.Close()
		r.c.Close()
	})
	return d.(*net.TCPConn), r.c.(*net.TCPConn)
}

// checkNoLeak fails if a goroutine started during the input outlives it.
func checkNoLeak(t *testing.T, before goleak.Option) {
	t.Helper()
	if err := goleak.Find(before); err != nil {
		t.Fatalf("goroutines outlived the connection: %v", err)
	}
}

// FuzzServerConn feeds a server Conn the client preface and then data.
func FuzzServerConn(f *testing.F) {
	for _, seed := range serverSeeds() {
		f.Add(seed)
	}
	ln := fuzzListener(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		before := goleak.IgnoreCurrent()
		var fs fuzzStreams
		cli, srv := fuzzPair(t, ln)
		t.Cleanup(func() { // after tcpPair's: the sockets are closed
			fs.wait(t)
			checkNoLeak(t, before)
		})
		cc := newConnCleanup(t, srv)
		go func() {
			c, err := Accept(context.Background(), srv, Config{Accept: fs.accept, MaxConcurrentStreams: 8})
			cc.res <- connResult{c, err}
		}()
		drained := drainConn(cli)
		cli.Write([]byte(http2.ClientPreface))
		cli.Write(data) // an error: the Conn hung up already
		cli.CloseWrite()

		r := cc.wait(t)
		if r.err != nil {
			if r.err.Error() == "" {
				t.Fatal("the handshake failed with an empty error")
			}
			srv.Close() // a failed Accept leaves the socket to its caller, as rpc.Server closes it
		} else {
			waitConnDone(t, r.c)
			if err := r.c.Err(); err != nil && err.Error() == "" {
				t.Fatal("the Conn ended with an empty error")
			}
		}
		checkDrained(t, drained, 0)
		fs.wait(t)
	})
}

// FuzzClientConn feeds a client Conn, which opened two streams (one that
// sent its whole request, one still sending), data after the server's
// SETTINGS.
func FuzzClientConn(f *testing.F) {
	for _, seed := range clientSeeds() {
		f.Add(seed)
	}
	ln := fuzzListener(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		before := goleak.IgnoreCurrent()
		var fs fuzzStreams
		cli, srv := fuzzPair(t, ln)
		t.Cleanup(func() {
			fs.wait(t)
			checkNoLeak(t, before)
		})
		cc := newConnCleanup(t, cli)
		go func() {
			c, err := Dial(context.Background(), cli, Config{})
			cc.res <- connResult{c, err}
		}()
		drained := drainConn(srv)
		var settings bytes.Buffer
		http2.NewFramer(&settings, nil).WriteSettings()
		if _, err := srv.Write(settings.Bytes()); err != nil {
			t.Fatalf("writing the server's SETTINGS: %v", err)
		}
		r := cc.wait(t)
		if r.err != nil {
			t.Fatalf("the handshake failed: %v", r.err)
		}
		c := r.c
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		for _, end := range []bool{true, false} {
			s, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/m"), Data: []byte{0, 0, 0, 0, 1, 'x'}, EndStream: end})
			if err != nil {
				t.Fatalf("opening a stream: %v", err)
			}
			fs.run(s, false, nil)
		}
		srv.Write(data)
		srv.CloseWrite()

		waitConnDone(t, c)
		if err := c.Err(); err != nil && err.Error() == "" {
			t.Fatal("the Conn ended with an empty error")
		}
		checkDrained(t, drained, len(http2.ClientPreface))
		fs.wait(t)
	})
}

// seedWriter builds seed inputs frame by frame.
type seedWriter struct {
	buf  bytes.Buffer
	fr   *http2.Framer
	hbuf bytes.Buffer
	henc *hpack.Encoder
}

func newSeedWriter() *seedWriter {
	w := &seedWriter{}
	w.fr = http2.NewFramer(&w.buf, nil)
	w.fr.AllowIllegalWrites = true
	w.henc = hpack.NewEncoder(&w.hbuf)
	return w
}

func (w *seedWriter) block(fields []hpack.HeaderField) []byte {
	w.hbuf.Reset()
	for _, f := range fields {
		w.henc.WriteField(f)
	}
	return bytes.Clone(w.hbuf.Bytes())
}

func (w *seedWriter) headers(stream uint32, end bool, fields []hpack.HeaderField) *seedWriter {
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: w.block(fields), EndStream: end, EndHeaders: true})
	return w
}

func (w *seedWriter) bytes() []byte { return bytes.Clone(w.buf.Bytes()) }

var grpcMsg = []byte{0, 0, 0, 0, 3, 'a', 'b', 'c'}

// serverSeeds are what a client might send after its preface: valid
// exchanges, and each kind of violation the Conn must answer.
func serverSeeds() [][]byte {
	open := func() *seedWriter {
		w := newSeedWriter()
		w.fr.WriteSettings()
		w.fr.WriteSettingsAck()
		return w
	}
	var seeds [][]byte
	add := func(w *seedWriter) { seeds = append(seeds, w.bytes()) }

	w := open().headers(1, false, requestHeaders("/svc/m"))
	w.fr.WriteData(1, true, grpcMsg)
	add(w)

	w = open().headers(1, true, requestHeaders("/svc/m")).headers(3, false, requestHeaders("/svc/n"))
	w.fr.WriteData(3, false, grpcMsg)
	w.fr.WritePing(false, [8]byte{1})
	w.fr.WriteWindowUpdate(0, 1<<20)
	w.fr.WriteWindowUpdate(3, 1)
	w.fr.WriteRSTStream(3, http2.ErrCodeCancel)
	w.fr.WriteGoAway(0, http2.ErrCodeNo, []byte("bye"))
	add(w)

	w = open().headers(1, false, requestHeaders("/svc/m"))
	w.fr.WriteData(1, false, grpcMsg)
	w.headers(1, true, hf("trailer", "x"))
	w.fr.WriteData(1, true, grpcMsg) // DATA after END_STREAM
	add(w)

	add(open().headers(2, true, requestHeaders("/svc/m")))                                       // even stream id
	add(open().headers(5, true, requestHeaders("/svc/m")).headers(3, true, requestHeaders("/"))) // id going down
	w = open()
	w.fr.WriteData(1, true, grpcMsg) // DATA on an idle stream
	add(w)

	w = open()
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: w.block(requestHeaders("/svc/m"))[:4]})
	w.fr.WriteContinuation(1, false, w.block(hf("x", "y")))
	w.fr.WriteContinuation(1, true, nil)
	add(w)

	w = open()
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: w.block(requestHeaders("/svc/m"))})
	w.fr.WritePing(false, [8]byte{}) // a frame inside a header block
	add(w)

	w = open()
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: []byte{0xff, 0xff, 0xff, 0xff}, EndHeaders: true})
	add(w) // HPACK garbage

	w = open()
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: w.block(requestHeaders("/svc/m")), EndHeaders: true, PadLength: 7,
		Priority: http2.PriorityParam{StreamDep: 1, Weight: 3}})
	w.fr.WriteDataPadded(1, true, grpcMsg, make([]byte, 9))
	w.fr.WritePriority(3, http2.PriorityParam{StreamDep: 3})
	add(w)

	w = newSeedWriter()
	w.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31}, http2.Setting{ID: http2.SettingMaxFrameSize, Val: 10})
	add(w)
	w = open()
	w.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0}, http2.Setting{ID: http2.SettingHeaderTableSize, Val: 0})
	w.headers(1, true, requestHeaders("/svc/m"))
	add(w) // zero window: the answer waits for window the peer never grants

	w = open()
	w.fr.WriteWindowUpdate(0, 1<<31-1)
	w.fr.WriteWindowUpdate(0, 1<<31-1) // window overflow
	add(w)

	w = open()
	for id := uint32(1); id < 40; id += 2 {
		w.headers(id, false, requestHeaders("/svc/m")) // past MaxConcurrentStreams
		w.fr.WriteRSTStream(id, http2.ErrCodeCancel)
	}
	add(w)

	w = open()
	w.fr.WriteRawFrame(0x42, 0, 0, []byte("unknown frame type"))
	w.fr.WritePushPromise(http2.PushPromiseParam{StreamID: 1, PromiseID: 2, BlockFragment: nil, EndHeaders: true})
	add(w)

	w = open()
	w.buf.Write([]byte{0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 1}) // a frame longer than any allowed
	add(w)
	w = open().headers(1, false, requestHeaders("/svc/m"))
	w.fr.WriteData(1, false, bytes.Repeat([]byte{0}, 16384))
	w.buf.Truncate(w.buf.Len() - 100) // cut mid-frame
	add(w)

	seeds = append(seeds, nil, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	return seeds
}

// clientSeeds are what a server might send after its SETTINGS, to a client
// that opened streams 1 (request complete) and 3 (request open).
func clientSeeds() [][]byte {
	open := func() *seedWriter {
		w := newSeedWriter()
		w.fr.WriteSettingsAck()
		return w
	}
	var seeds [][]byte
	add := func(w *seedWriter) { seeds = append(seeds, w.bytes()) }

	w := open().headers(1, false, responseHeaders)
	w.fr.WriteData(1, false, grpcMsg)
	w.headers(1, true, okTrailers)
	w.headers(3, true, append(hf(":status", "200", "content-type", "application/grpc"), okTrailers...))
	add(w)

	w = open()
	w.fr.WriteRSTStream(3, http2.ErrCodeRefusedStream)
	w.fr.WriteGoAway(1, http2.ErrCodeNo, nil)
	w.fr.WritePing(false, [8]byte{7})
	add(w)

	w = open()
	w.fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, []byte("too_many_pings"))
	add(w)

	w = open()
	w.fr.WritePushPromise(http2.PushPromiseParam{StreamID: 1, PromiseID: 2, BlockFragment: w.block(requestHeaders("/p")), EndHeaders: true})
	add(w) // push is disabled

	add(open().headers(5, true, responseHeaders)) // a stream we never opened
	add(open().headers(2, true, responseHeaders)) // an even one

	w = open()
	w.fr.WriteData(1, true, grpcMsg) // DATA before HEADERS
	add(w)

	w = open()
	w.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0}, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 0})
	w.fr.WriteWindowUpdate(3, 1<<31-1)
	w.fr.WriteWindowUpdate(3, 1<<31-1)
	add(w)

	w = open().headers(1, false, responseHeaders)
	w.fr.WriteData(1, false, bytes.Repeat([]byte{1}, 70000)) // longer than one frame may be
	add(w)

	w = open()
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: w.block(responseHeaders)})
	w.fr.WriteContinuation(3, true, nil) // CONTINUATION of another stream
	add(w)

	seeds = append(seeds, nil, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	return seeds
}
