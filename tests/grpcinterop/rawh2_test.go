package grpcinterop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	grpccodes "google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
)

// rawConn is a client HTTP/2 connection written frame by frame, to send
// what no well-behaved client would. Every read and write is bounded by a
// failsafe deadline on the socket.
type rawConn struct {
	t      *testing.T
	addr   string
	nc     net.Conn
	fr     *http2.Framer
	hbuf   bytes.Buffer
	henc   *hpack.Encoder
	nextID uint32
	// maxFrameSize is the server's SETTINGS_MAX_FRAME_SIZE.
	maxFrameSize uint32
}

// dialRaw connects to addr and runs the client side of the handshake: the
// preface and empty SETTINGS, then the server's SETTINGS, acknowledged.
func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, failsafe)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	require.NoError(t, nc.SetDeadline(time.Now().Add(failsafe)))
	c := &rawConn{t: t, addr: addr, nc: nc, fr: http2.NewFramer(nc, nc), nextID: 1, maxFrameSize: 16384}
	c.fr.AllowIllegalWrites = true
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.henc = hpack.NewEncoder(&c.hbuf)
	_, err = nc.Write([]byte(http2.ClientPreface))
	require.NoError(t, err)
	require.NoError(t, c.fr.WriteSettings())
	// RFC 9113 3.4: the server's first frame is its SETTINGS.
	f, err := c.fr.ReadFrame()
	require.NoError(t, err, "reading the server's SETTINGS")
	sf, ok := f.(*http2.SettingsFrame)
	require.True(t, ok && !sf.IsAck(), "the server's first frame is %v, want SETTINGS", f.Header())
	if v, ok := sf.Value(http2.SettingMaxFrameSize); ok {
		c.maxFrameSize = v
	}
	require.NoError(t, c.fr.WriteSettingsAck())
	return c
}

// next reads the next frame the test cares about: SETTINGS and PING are
// answered, WINDOW_UPDATE is skipped (nothing here sends much).
func (c *rawConn) next() http2.Frame {
	c.t.Helper()
	for {
		f, err := c.fr.ReadFrame()
		require.NoError(c.t, err, "reading a frame")
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				require.NoError(c.t, c.fr.WriteSettingsAck())
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				require.NoError(c.t, c.fr.WritePing(true, f.Data))
			}
		case *http2.WindowUpdateFrame:
		default:
			return f
		}
	}
}

func (c *rawConn) encodeHeaders(fields []hpack.HeaderField) []byte {
	c.hbuf.Reset()
	for _, f := range fields {
		require.NoError(c.t, c.henc.WriteField(f))
	}
	return bytes.Clone(c.hbuf.Bytes())
}

// requestFields are the headers of a gRPC request for path.
func (c *rawConn) requestFields(path, contentType string, extra ...hpack.HeaderField) []hpack.HeaderField {
	fields := []hpack.HeaderField{
		{Name: ":method", Value: "POST"},
		{Name: ":scheme", Value: "http"},
		{Name: ":path", Value: path},
		{Name: ":authority", Value: c.addr},
		{Name: "content-type", Value: contentType},
		{Name: "te", Value: "trailers"},
	}
	return append(fields, extra...)
}

// request opens a stream with the headers of a call to path and returns
// its id.
func (c *rawConn) request(path, contentType string, endStream bool, extra ...hpack.HeaderField) uint32 {
	c.t.Helper()
	id := c.nextID
	c.nextID += 2
	require.NoError(c.t, c.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID:      id,
		BlockFragment: c.encodeHeaders(c.requestFields(path, contentType, extra...)),
		EndStream:     endStream,
		EndHeaders:    true,
	}))
	return id
}

// grpcMessage is the length-prefixed message framing of gRPC.
func grpcMessage(payload []byte) []byte {
	b := make([]byte, 5, 5+len(payload))
	binary.BigEndian.PutUint32(b[1:], uint32(len(payload)))
	return append(b, payload...)
}

func echoRequest(t *testing.T, msg string) []byte {
	b, err := proto.Marshal(&echopb.EchoRequest{Message: msg})
	require.NoError(t, err)
	return grpcMessage(b)
}

// rawResponse is what the server sent on one stream.
type rawResponse struct {
	fields []hpack.HeaderField // every header block, in order
	data   []byte
	reset  bool
	code   http2.ErrCode // of the RST_STREAM, if reset
}

// get returns the last value of the header name, "" if absent.
func (r rawResponse) get(name string) string {
	v := ""
	for _, f := range r.fields {
		if f.Name == name {
			v = f.Value
		}
	}
	return v
}

// readResponse reads until stream id ends (END_STREAM or RST_STREAM).
// Frames of other streams are skipped; GOAWAY fails the test.
func (c *rawConn) readResponse(id uint32) rawResponse {
	c.t.Helper()
	var r rawResponse
	for {
		switch f := c.next().(type) {
		case *http2.MetaHeadersFrame:
			if f.StreamID != id {
				continue
			}
			r.fields = append(r.fields, f.Fields...)
			if f.StreamEnded() {
				return r
			}
		case *http2.DataFrame:
			if f.StreamID != id {
				continue
			}
			r.data = append(r.data, f.Data()...)
			if f.StreamEnded() {
				return r
			}
		case *http2.RSTStreamFrame:
			if f.StreamID != id {
				continue
			}
			r.reset, r.code = true, f.ErrCode
			return r
		case *http2.GoAwayFrame:
			require.FailNowf(c.t, "unexpected GOAWAY", "GOAWAY %v (last stream %d, %q) while reading stream %d", f.ErrCode, f.LastStreamID, f.DebugData(), id)
		}
	}
}

// unary makes a complete unary call on a new stream.
func (c *rawConn) unary(path, msg string, extra ...hpack.HeaderField) rawResponse {
	c.t.Helper()
	id := c.request(path, "application/grpc", false, extra...)
	require.NoError(c.t, c.fr.WriteData(id, true, echoRequest(c.t, msg)))
	return c.readResponse(id)
}

// expectGoAway reads until the server's GOAWAY, checks its code, and then
// checks that the server closes the connection.
func (c *rawConn) expectGoAway(code http2.ErrCode) {
	c.t.Helper()
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			require.FailNowf(c.t, "no GOAWAY", "the connection ended (%v) without GOAWAY %v", err, code)
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			assert.Equal(c.t, code, ga.ErrCode, "GOAWAY code (debug data %q)", ga.DebugData())
			break
		}
	}
	c.expectClosed()
}

// expectClosed reads until the server closes the connection.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	for {
		_, err := c.fr.ReadFrame()
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			require.FailNow(c.t, "the server kept the connection open", "after %v", failsafe)
		}
		return // EOF or reset: closed
	}
}

// expectServing checks that the server still takes calls, from grpc-go
// on a new connection.
func expectServing(t *testing.T, addr string) {
	t.Helper()
	o := grpcDriver{newGRPCClient(t, addr)}.unary(callContext(t), nil, "still there?")
	require.NoError(t, o.err, "a call on a new connection")
	assert.Equal(t, []string{"still there?"}, o.msgs)
}

// TestRawWellFormedCall checks the raw client itself against the server.
func TestRawWellFormedCall(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	r := c.unary("/grpc.examples.echo.Echo/UnaryEcho", "raw", hpack.HeaderField{Name: "x-echo-raw", Value: "yes"})
	assert.Equal(t, "200", r.get(":status"))
	assert.Equal(t, "0", r.get("grpc-status"))
	assert.Equal(t, "yes", r.get("x-echo-raw"))
	assert.Equal(t, echoRequest(t, "raw"), r.data, "the echo (request and response messages are the same bytes)")
}

// TestRawContentTypeNotGRPC sends a request whose content-type is not
// application/grpc: the server answers HTTP 415 Unsupported Media Type.
func TestRawContentTypeNotGRPC(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	id := c.request("/grpc.examples.echo.Echo/UnaryEcho", "text/plain", false)
	require.NoError(t, c.fr.WriteData(id, true, []byte("hello")))
	r := c.readResponse(id)
	assert.Equal(t, "415", r.get(":status"), "response headers %v", r.fields)

	// The connection is fine: a stream error only.
	r = c.unary("/grpc.examples.echo.Echo/UnaryEcho", "after 415")
	assert.Equal(t, "0", r.get("grpc-status"), "a call after the 415: %v", r.fields)
	expectServing(t, addr)
}

// TestRawUnknownMethod calls a method the server does not have, of a
// service it has and of one it has not: grpc-status 12 (Unimplemented).
func TestRawUnknownMethod(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	for _, path := range []string{
		"/grpc.examples.echo.Echo/NoSuchMethod",
		"/no.such.Service/UnaryEcho",
	} {
		t.Run(path, func(t *testing.T) {
			r := c.unary(path, "x")
			assert.Equal(t, "200", r.get(":status"), "headers %v", r.fields)
			assert.Equal(t, "12", r.get("grpc-status"), "headers %v", r.fields)
			assert.Empty(t, r.data, "no response message")
		})
	}
	// grpc-go reads the same trailers as Unimplemented.
	cc := newGRPCConn(t, addr)
	for _, method := range []string{"/grpc.examples.echo.Echo/NoSuchMethod", "/no.such.Service/UnaryEcho"} {
		err := cc.Invoke(callContext(t), method, &echopb.EchoRequest{}, new(echopb.EchoResponse))
		assert.Equal(t, grpccodes.Unimplemented, grpcstatus.Code(err), "grpc-go calling %s: %v", method, err)
	}
}

// TestRawConnectionErrors sends frames that are connection errors (RFC
// 9113): the server answers GOAWAY with the right code, closes the
// connection, and keeps serving new ones.
func TestRawConnectionErrors(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	for _, tc := range []struct {
		name string
		code http2.ErrCode
		send func(c *rawConn) error
	}{
		{"DATA on stream 0", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteData(0, false, []byte("data on the connection"))
		}},
		{"HEADERS on stream 0", http2.ErrCodeProtocol, func(c *rawConn) error {
			block := c.encodeHeaders(c.requestFields("/grpc.examples.echo.Echo/UnaryEcho", "application/grpc"))
			return c.fr.WriteRawFrame(http2.FrameHeaders, http2.FlagHeadersEndHeaders, 0, block)
		}},
		{"RST_STREAM on stream 0", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FrameRSTStream, 0, 0, []byte{0, 0, 0, 8})
		}},
		{"PING on stream 1", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FramePing, 0, 1, make([]byte, 8))
		}},
		{"WINDOW_UPDATE of 0 on the connection", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FrameWindowUpdate, 0, 0, []byte{0, 0, 0, 0})
		}},
		{"CONTINUATION without HEADERS", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FrameContinuation, http2.FlagContinuationEndHeaders, 1, nil)
		}},
		{"HEADERS on an even stream", http2.ErrCodeProtocol, func(c *rawConn) error {
			block := c.encodeHeaders(c.requestFields("/grpc.examples.echo.Echo/UnaryEcho", "application/grpc"))
			return c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 2, BlockFragment: block, EndHeaders: true})
		}},
		{"SETTINGS_ENABLE_PUSH of 2", http2.ErrCodeProtocol, func(c *rawConn) error {
			return c.fr.WriteSettings(http2.Setting{ID: http2.SettingEnablePush, Val: 2})
		}},
		{"SETTINGS of 5 bytes", http2.ErrCodeFrameSize, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FrameSettings, 0, 0, []byte{0, 2, 0, 0, 0})
		}},
		{"PING of 7 bytes", http2.ErrCodeFrameSize, func(c *rawConn) error {
			return c.fr.WriteRawFrame(http2.FramePing, 0, 0, make([]byte, 7))
		}},
		{"frame over SETTINGS_MAX_FRAME_SIZE", http2.ErrCodeFrameSize, func(c *rawConn) error {
			id := c.request("/grpc.examples.echo.Echo/BidirectionalStreamingEcho", "application/grpc", false)
			// Only the 9-byte header of a DATA frame one byte over the
			// limit: the length alone makes it an error (RFC 9113 4.2),
			// and a payload the server will never read would make its
			// close a TCP reset, which may destroy the GOAWAY in flight.
			size := c.maxFrameSize + 1
			header := []byte{byte(size >> 16), byte(size >> 8), byte(size), byte(http2.FrameData), 0, 0, 0, 0, byte(id)}
			_, err := c.nc.Write(header)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, addr)
			// A call first, so that the connection is in use.
			r := c.unary("/grpc.examples.echo.Echo/UnaryEcho", "before")
			require.Equal(t, "0", r.get("grpc-status"), "a call before the bad frame: %v", r.fields)
			require.NoError(t, tc.send(c))
			c.expectGoAway(tc.code)
			expectServing(t, addr)
		})
	}
}

// TestRawBadPreface opens with HTTP/1.1 instead of the HTTP/2 preface: the
// server closes the connection and keeps serving.
func TestRawBadPreface(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	nc, err := net.DialTimeout("tcp", addr, failsafe)
	require.NoError(t, err)
	defer nc.Close()
	require.NoError(t, nc.SetDeadline(time.Now().Add(failsafe)))
	// Exactly as long as the preface, so the server reads all of it.
	req := "GET / HTTP/1.1\r\nA: b\r\n\r\n"
	require.Len(t, req, len(http2.ClientPreface))
	_, err = nc.Write([]byte(req))
	require.NoError(t, err)
	c := &rawConn{t: t, nc: nc, fr: http2.NewFramer(nc, nc)}
	c.expectClosed()
	expectServing(t, addr)
}

// TestRawMessageOverLimit declares a 5 MiB message, over the server's
// default 4 MiB limit, and sends only its prefix: the server answers
// grpc-status 8 (ResourceExhausted) without waiting for the rest, and the
// connection stays usable.
func TestRawMessageOverLimit(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	for _, method := range []string{"UnaryEcho", "BidirectionalStreamingEcho", "ClientStreamingEcho"} {
		t.Run(method, func(t *testing.T) {
			id := c.request("/grpc.examples.echo.Echo/"+method, "application/grpc", false)
			prefix := []byte{0, 0, 0, 0, 0}
			binary.BigEndian.PutUint32(prefix[1:], 5<<20)
			require.NoError(t, c.fr.WriteData(id, false, prefix))
			r := c.readResponse(id)
			assert.Equal(t, "8", r.get("grpc-status"), "headers %v, reset %v %v", r.fields, r.reset, r.code)
			assert.Empty(t, r.data, "no response message")
		})
	}
	r := c.unary("/grpc.examples.echo.Echo/UnaryEcho", "after")
	assert.Equal(t, "0", r.get("grpc-status"), "a call on the same connection: %v", r.fields)
	expectServing(t, addr)
}

// TestRawClientVanishesMidStream closes the TCP connection in the middle
// of a bidirectional call, without RST_STREAM or GOAWAY: the handler's
// context ends, every goroutine the connection started ends, and the
// server keeps serving.
func TestRawClientVanishesMidStream(t *testing.T) {
	log := newHandlerLog()
	addr := startActorpcServer(t, log)
	expectServing(t, addr) // warm up: lazily started goroutines are not leaks

	before := goleak.IgnoreCurrent()
	c := dialRaw(t, addr)
	id := c.request("/grpc.examples.echo.Echo/BidirectionalStreamingEcho", "application/grpc", false,
		hpack.HeaderField{Name: callIDKey, Value: t.Name()})
	require.NoError(t, c.fr.WriteData(id, false, echoRequest(t, "hello")))
	// Wait for the echo: the handler is running and waiting for more.
	var got []byte
	for len(got) < len(echoRequest(t, "hello")) {
		switch f := c.next().(type) {
		case *http2.DataFrame:
			require.Equal(t, id, f.StreamID)
			got = append(got, f.Data()...)
		case *http2.MetaHeadersFrame:
			require.Equal(t, id, f.StreamID)
			require.False(t, f.StreamEnded(), "the call ended early: %v", f.Fields)
		case *http2.RSTStreamFrame, *http2.GoAwayFrame:
			require.FailNowf(t, "call ended", "%v", f)
		}
	}
	require.Equal(t, echoRequest(t, "hello"), got)

	require.NoError(t, c.nc.Close())
	assert.Error(t, log.wait(t, t.Name()), "the handler's context is live after its client vanished")
	// goleak retries for a while: the connection's goroutines may take a
	// moment to notice the end.
	goleak.VerifyNone(t, before)
	expectServing(t, addr)
}

// TestServerStopAfterConnectionsEndAtOnce: clients that hang up as soon
// as they have sent the preface. Each connection's end and its
// handshake's completion reach the server from two goroutines, in either
// order; whichever comes first, the server forgets the connection, and
// Stop returns.
func TestServerStopAfterConnectionsEndAtOnce(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer()
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	const clients = 200
	for range clients {
		nc, err := net.DialTimeout("tcp", lis.Addr().String(), failsafe)
		require.NoError(t, err)
		fr := http2.NewFramer(nc, nc)
		_, err = nc.Write([]byte(http2.ClientPreface))
		require.NoError(t, err)
		require.NoError(t, fr.WriteSettings())
		nc.Close()
	}
	expectServing(t, lis.Addr().String())

	stopped := make(chan struct{})
	go func() {
		srv.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(failsafe):
		t.Fatalf("Stop did not return after %d connections ended at once: the server still counts one of them", clients)
	}
	require.NoError(t, <-served)
}
