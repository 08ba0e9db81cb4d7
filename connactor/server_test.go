package connactor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func serverConfig(ch chan acceptedStream) Config {
	return Config{Accept: acceptInto(ch)}
}

func TestServerAcceptsStream(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))

	p.headers(1, false, requestHeaders("/svc/hello"))
	p.data(1, true, []byte("hi"))
	a := waitAccepted(t, ch)
	s := a.s
	require.Equal(t, uint32(1), s.ID)
	require.Same(t, c, s.Conn())

	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind, "the first event is the request headers")
	require.Equal(t, requestHeaders("/svc/hello"), ev.Fields)
	require.False(t, ev.EndStream)
	ev = nextEvent(t, s)
	require.Equal(t, EventData, ev.Kind)
	require.Equal(t, "hi", string(ev.Data))
	require.True(t, ev.EndStream)

	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Header: responseHeaders, Data: []byte("hello back"), Trailer: okTrailers, Done: done}))
	f := p.waitHeaders(1)
	require.Equal(t, responseHeaders, f.fields)
	require.False(t, f.endStream())
	f, _ = p.waitFor("DATA", isType(http2.FrameData, 1))
	require.Equal(t, "hello back", string(f.data))
	require.False(t, f.endStream())
	f = p.waitHeaders(1)
	require.Equal(t, okTrailers, f.fields)
	require.True(t, f.endStream())
	requireDone(t, done)
	s.Release()
	require.False(t, isClosed(a.canceled), "a stream that ended normally is not cancelled")

	// A second stream with its request in the HEADERS alone.
	p.headers(3, true, requestHeaders("/svc/second"))
	a = waitAccepted(t, ch)
	require.Equal(t, uint32(3), a.s.ID)
	ev = nextEvent(t, a.s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
}

func TestServerTrailersOnly(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	_, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	status := hf("grpc-status", "12", "grpc-message", "unimplemented")
	require.NoError(t, a.s.Write(Write{Header: responseHeaders, Trailer: status}))
	f := p.waitHeaders(1)
	require.True(t, f.endStream(), "a trailers-only response is one HEADERS frame")
	require.Equal(t, append(append(hf(), responseHeaders...), status...), f.fields)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameHeaders, f.typ, "%v", f)
	}
}

func TestServerEvenStreamIDIsProtocolError(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(2, false, requestHeaders("/svc/m"))
	p.expectGoAway(http2.ErrCodeProtocol)
	waitConnDone(t, c)
	require.Error(t, c.Err())
	require.Zero(t, len(ch), "no stream was accepted")
}

func TestServerRefusesStreamsBeyondMaxConcurrent(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	cfg := serverConfig(ch)
	cfg.MaxConcurrentStreams = 1
	c, p := acceptPeer(t, cfg)

	p.headers(1, false, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	p.headers(3, false, requestHeaders("/svc/m"))
	f := p.waitRST(3)
	require.Equal(t, http2.ErrCodeRefusedStream, f.code)
	// DATA for the refused stream, sent before the peer saw the RST, is
	// dropped without harm.
	p.data(3, true, []byte("late"))
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameGoAway, f.typ, "%v", f)
	}
	require.Zero(t, len(ch))

	// Stream 1 still works.
	p.data(1, true, []byte("x"))
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	ev := nextEvent(t, a.s)
	require.Equal(t, EventData, ev.Kind)
	require.True(t, ev.EndStream)

	// Once it is released there is room again.
	require.NoError(t, a.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	a.s.Release()
	waitState(t, c, "0 streams")
	p.headers(5, true, requestHeaders("/svc/m"))
	a = waitAccepted(t, ch)
	require.Equal(t, uint32(5), a.s.ID)
}

func TestServerGracefulClose(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, requestHeaders("/svc/m"))
	p.headers(3, false, requestHeaders("/svc/m"))
	a1 := waitAccepted(t, ch)
	a3 := waitAccepted(t, ch)

	c.GracefulClose()
	f := p.gracefulGoAway()
	require.Equal(t, uint32(3), f.lastID)

	// New streams are refused; those in flight go on.
	p.headers(5, true, requestHeaders("/svc/m"))
	rst := p.waitRST(5)
	require.Equal(t, http2.ErrCodeRefusedStream, rst.code)
	require.Zero(t, len(ch))
	p.data(1, true, []byte("a"))
	require.Equal(t, EventHeaders, nextEvent(t, a1.s).Kind)
	require.Equal(t, EventData, nextEvent(t, a1.s).Kind)

	require.NoError(t, a1.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	a1.s.Release()
	waitState(t, c, "1 streams")
	p.pingBarrier()
	require.False(t, isClosed(c.Done()), "a stream is still in flight")

	require.NoError(t, a3.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(3)
	a3.s.Release()
	waitConnDone(t, c)
	require.NoError(t, c.Err(), "a graceful close is a clean end")
	p.expectHangUp()
	require.False(t, isClosed(a1.canceled))
	require.False(t, isClosed(a3.canceled))
}

func TestServerGracefulCloseWithoutStreams(t *testing.T) {
	c, p := acceptPeer(t, serverConfig(make(chan acceptedStream, 1)))
	c.GracefulClose()
	f := p.gracefulGoAway()
	require.Equal(t, uint32(0), f.lastID)
	p.expectHangUp()
	waitConnDone(t, c)
	require.NoError(t, c.Err())
}

// A stream the client opened before it read the first GOAWAY is served:
// the final GOAWAY names it, and only later streams are refused.
func TestServerGracefulCloseServesStreamsInFlight(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	c.GracefulClose()
	first, _ := p.waitFor("first GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(1<<31-1), first.lastID)
	// The client had sent this before it read the GOAWAY.
	p.headers(1, true, requestHeaders("/svc/m"))
	a1 := waitAccepted(t, ch)
	ping, _ := p.waitFor("shutdown PING", func(f rframe) bool { return f.typ == http2.FramePing && !f.ack() })
	require.NoError(t, p.fr.WritePing(true, ping.ping))
	final, _ := p.waitFor("final GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(1), final.lastID)
	p.headers(3, true, requestHeaders("/svc/m"))
	require.Equal(t, http2.ErrCodeRefusedStream, p.waitRST(3).code)

	require.Equal(t, EventHeaders, nextEvent(t, a1.s).Kind)
	require.NoError(t, a1.s.Finish(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	p.expectHangUp()
	waitConnDone(t, c)
	require.NoError(t, c.Err())
}

// A client that never answers the shutdown PING gets the final GOAWAY
// after a bounded wait.
func TestServerGracefulCloseWithoutPingAck(t *testing.T) {
	c, p := acceptPeer(t, serverConfig(make(chan acceptedStream, 1)))
	c.GracefulClose()
	first, _ := p.waitFor("first GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(1<<31-1), first.lastID)
	final, _ := p.waitFor("final GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(0), final.lastID)
	p.expectHangUp()
	waitConnDone(t, c)
}

func TestServerCancelOnPeerReset(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	_, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	p.headers(3, false, requestHeaders("/svc/m"))
	a1 := waitAccepted(t, ch)
	a3 := waitAccepted(t, ch)
	require.False(t, isClosed(a1.canceled))

	// Reset after the request ended: the handler is still running.
	p.rst(1, http2.ErrCodeCancel)
	waitClosed(t, a1.canceled, "the cancel func of a stream the peer reset")
	require.Equal(t, EventHeaders, nextEvent(t, a1.s).Kind)
	ev := nextEvent(t, a1.s)
	require.Equal(t, EventReset, ev.Kind)
	require.Equal(t, http2.ErrCodeCancel, ev.Code)

	// Writes on it are dropped.
	done := make(chan error, 1)
	require.NoError(t, a1.s.Write(Write{Header: responseHeaders, Trailer: okTrailers, Done: done}))
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrStreamClosed)
	case <-time.After(waitLimit):
		t.Fatal("a write on a reset stream never finished")
	}
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameHeaders, f.typ, "a response on a stream the peer reset: %v", f)
	}
	require.False(t, isClosed(a3.canceled), "only the reset stream is cancelled")
}

func TestServerCancelOnConnectionEnd(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	require.NoError(t, p.nc.Close())
	waitClosed(t, a.canceled, "the cancel func when the connection ends")
	waitConnDone(t, c)
	evs := a.s.TakeOver()
	require.NotEmpty(t, evs)
	require.Equal(t, EventClosed, evs[len(evs)-1].Kind)
}

// TestServerStreamErrorCancelsHandler: HEADERS on a stream whose request
// already ended is a stream error; we reset the stream (RFC 9113 5.1,
// half-closed (remote)). The handler must learn of it, as it does of a
// reset by the peer: Config.Accept says the cancel func is called "when the
// stream is reset".
func TestServerStreamErrorCancelsHandler(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	_, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	p.headers(1, true, okTrailers)
	f := p.waitRST(1)
	require.Equal(t, http2.ErrCodeStreamClosed, f.code)
	p.pingBarrier() // the Conn is done with the HEADERS
	require.True(t, isClosed(a.canceled), "the cancel func of a stream we reset was not called")
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	ev := nextEvent(t, a.s)
	require.Equal(t, EventReset, ev.Kind)
	require.Equal(t, http2.ErrCodeStreamClosed, ev.Code)
}

// TestServerConnWindowOverflowGoAwayLastID: a server that ends a connection
// must tell the client, in GOAWAY's last stream id, which streams it may
// have acted on (RFC 9113 6.8). Stream 1 was accepted, so 0 would tell the
// client it is safe to retry a call the server may have run.
func TestServerConnWindowOverflowGoAwayLastID(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	waitAccepted(t, ch)
	p.windowUpdate(0, 1<<31-1)
	f := p.expectGoAway(http2.ErrCodeFlowControl)
	require.Equal(t, uint32(1), f.lastID)
	waitConnDone(t, c)
}

func TestServerProtocolErrorGoAwayLastID(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	p.headers(3, true, requestHeaders("/svc/m"))
	waitAccepted(t, ch)
	waitAccepted(t, ch)
	p.data(7, false, []byte("x")) // idle
	f := p.expectGoAway(http2.ErrCodeProtocol)
	require.Equal(t, uint32(3), f.lastID)
	waitConnDone(t, c)
}

func TestOpenOnServerConn(t *testing.T) {
	c, _ := acceptPeer(t, serverConfig(make(chan acceptedStream, 1)))
	_, err := c.Open(context.Background(), OpenRequest{Header: requestHeaders("/svc/m")})
	require.Error(t, err)
}
