package connactor

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// A connection error from the peer: we answer with GOAWAY(code) and the
// Conn ends, telling its streams.
func TestConnectionErrorsSendGoAway(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		code http2.ErrCode
		// provoke runs with stream 1 open and its response headers sent.
		provoke func(t *testing.T, p *peer)
	}{
		{
			name: "DATA on stream 0",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				p.fr.AllowIllegalWrites = true
				p.data(0, false, []byte("x"))
			},
		},
		{
			name: "DATA padding as long as its payload",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				// A pad length of 1 with nothing after it.
				require.NoError(t, p.fr.WriteRawFrame(http2.FrameData, http2.FlagDataPadded, 1, []byte{1}))
			},
		},
		{
			name: "padded DATA without its pad length",
			code: http2.ErrCodeFrameSize,
			provoke: func(t *testing.T, p *peer) {
				require.NoError(t, p.fr.WriteRawFrame(http2.FrameData, http2.FlagDataPadded, 1, nil))
			},
		},
		{
			name: "DATA on an idle stream",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				p.data(3, false, []byte("x"))
			},
		},
		{
			name: "HEADERS on an idle stream",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				p.headers(5, false, responseHeaders)
			},
		},
		{
			name: "RST_STREAM on an idle stream",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				p.rst(7, http2.ErrCodeCancel)
			},
		},
		{
			name: "frame larger than our max frame size",
			code: http2.ErrCodeFrameSize,
			provoke: func(t *testing.T, p *peer) {
				p.data(1, false, make([]byte, minMaxFrameSize+1))
			},
		},
		{
			name: "PUSH_PROMISE",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				require.NoError(t, p.fr.WritePushPromise(http2.PushPromiseParam{
					StreamID:      1,
					PromiseID:     2,
					BlockFragment: p.encode(requestHeaders("/pushed")),
					EndHeaders:    true,
				}))
			},
		},
		{
			name: "DATA exceeding the connection window",
			cfg:  Config{ConnWindow: 65535, StreamWindow: 1 << 20},
			code: http2.ErrCodeFlowControl,
			provoke: func(t *testing.T, p *peer) {
				// Within the stream's window, one byte over the connection's.
				for range 4 {
					p.data(1, false, make([]byte, 16384))
				}
			},
		},
		{
			name: "WINDOW_UPDATE overflowing the connection send window",
			code: http2.ErrCodeFlowControl,
			provoke: func(t *testing.T, p *peer) {
				p.windowUpdate(0, 1<<31-1)
			},
		},
		{
			name: "SETTINGS_INITIAL_WINDOW_SIZE above the maximum",
			code: http2.ErrCodeFlowControl,
			provoke: func(t *testing.T, p *peer) {
				p.fr.AllowIllegalWrites = true
				p.settings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31})
			},
		},
		{
			name: "SETTINGS_ENABLE_PUSH not 0 or 1",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				p.fr.AllowIllegalWrites = true
				p.settings(http2.Setting{ID: http2.SettingEnablePush, Val: 2})
			},
		},
		{
			name: "CONTINUATION without HEADERS",
			code: http2.ErrCodeProtocol,
			provoke: func(t *testing.T, p *peer) {
				require.NoError(t, p.fr.WriteContinuation(1, true, p.encode(okTrailers)))
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, p := dialPeer(t, tc.cfg)
			s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
			p.waitHeaders(1)
			p.headers(1, false, responseHeaders)
			require.Equal(t, EventHeaders, nextEvent(t, s).Kind)

			tc.provoke(t, p)
			f := p.expectGoAway(tc.code)
			require.Equal(t, uint32(0), f.lastID, "a client processes no streams the server opened")

			waitConnDone(t, c)
			require.Error(t, c.Err())
			evs := s.TakeOver()
			require.NotEmpty(t, evs)
			last := evs[len(evs)-1]
			require.Equal(t, EventClosed, last.Kind, "the open stream learns the connection ended: %+v", evs)
			require.Error(t, last.Err)
		})
	}
}

// TestClientDataOnIdleEvenStream: stream 2 is server-initiated and was never
// promised, so it is idle (RFC 9113 5.1, 5.1.1) even though the client has
// opened higher odd ids. DATA on it is a connection error.
func TestClientDataOnIdleEvenStream(t *testing.T) {
	c, p := dialPeer(t, Config{})
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(3)
	p.data(2, false, []byte("x"))
	// The PING after it is answered only if the Conn let the DATA pass.
	require.NoError(t, p.fr.WritePing(false, [8]byte{'i', 'd', 'l', 'e'}))
	f, _ := p.waitFor("GOAWAY", func(f rframe) bool {
		return f.typ == http2.FrameGoAway || f.typ == http2.FramePing && f.ack()
	})
	require.Equal(t, http2.FrameGoAway, f.typ, "DATA on idle stream 2 was accepted")
	require.Equal(t, http2.ErrCodeProtocol, f.code)
	waitConnDone(t, c)
}

// TestConnWindowBelowProtocolDefault: HTTP/2 has no way to make the
// connection window smaller than its initial 65535 bytes (RFC 9113 6.9.2),
// so a peer that sends 20000 bytes has not violated anything, whatever
// Config.ConnWindow says.
func TestConnWindowBelowProtocolDefault(t *testing.T) {
	c, p := dialPeer(t, Config{ConnWindow: 16384})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	p.data(s.ID, false, make([]byte, 16384))
	p.data(s.ID, false, make([]byte, 3616))
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameGoAway, f.typ, "the peer stayed within the window it was given: %v", f)
	}
	require.False(t, isClosed(c.Done()))
}

func TestStreamFlowControlErrorResetsStreamOnly(t *testing.T) {
	c, p := dialPeer(t, Config{StreamWindow: 65535})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	// 65536 bytes: one more than the stream's window.
	for range 4 {
		p.data(s.ID, false, make([]byte, 16384))
	}
	f := p.waitRST(s.ID)
	require.Equal(t, http2.ErrCodeFlowControl, f.code)

	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)
	n := 0
	var ev Event
	for {
		ev = nextEvent(t, s)
		if ev.Kind != EventData {
			break
		}
		n += len(ev.Data)
	}
	require.Equal(t, 3*16384, n, "the data within the window is delivered")
	require.Equal(t, EventReset, ev.Kind)
	require.Equal(t, http2.ErrCodeFlowControl, ev.Code)

	requireConnWorks(t, c, p)
}

// While our side still sends (half-closed remote), a frame after the
// peer's END_STREAM is a stream error (RFC 9113 5.1).
func TestHeadersAfterEndStreamResetsStreamOnly(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.headers(s.ID, true, append(append(hf(), responseHeaders...), okTrailers...))
	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)

	p.headers(s.ID, true, okTrailers)
	f := p.waitRST(s.ID)
	require.Equal(t, http2.ErrCodeStreamClosed, f.code)

	requireConnWorks(t, c, p)
}

func TestDataAfterEndStreamResetsStreamOnly(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	p.data(s.ID, true, []byte("last"))
	p.data(s.ID, false, []byte("more"))
	f := p.waitRST(s.ID)
	require.Equal(t, http2.ErrCodeStreamClosed, f.code)
	requireConnWorks(t, c, p)
}

// Once both sides sent END_STREAM the stream is closed, even before our
// stream releases it: the writer reported our END_STREAM, and a frame
// after the peer's is a connection error STREAM_CLOSED (RFC 9113 5.1,
// closed: "an endpoint that receives any frames after receiving a frame
// with the END_STREAM flag set MUST treat that as a connection error").
func TestFramesAfterBothEndedAreConnectionError(t *testing.T) {
	for _, tc := range []struct {
		name string
		late func(p *peer, id uint32)
	}{
		{"HEADERS", func(p *peer, id uint32) { p.headers(id, true, okTrailers) }},
		{"DATA", func(p *peer, id uint32) { p.data(id, false, []byte("more")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, p := dialPeer(t, Config{})
			s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
			p.waitHeaders(s.ID)
			p.headers(s.ID, true, append(append(hf(), responseHeaders...), okTrailers...))
			ev := nextEvent(t, s)
			require.Equal(t, EventHeaders, ev.Kind)
			require.True(t, ev.EndStream)

			tc.late(p, s.ID)
			p.expectGoAway(http2.ErrCodeStreamClosed)
			<-c.Done()
		})
	}
}

// A WINDOW_UPDATE or RST_STREAM after both sides ended is allowed (the
// peer may not have read our END_STREAM yet) and ignored.
func TestWindowUpdateAndResetAfterBothEndedAreIgnored(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, true, append(append(hf(), responseHeaders...), okTrailers...))
	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)
	p.windowUpdate(s.ID, 100)
	p.rst(s.ID, http2.ErrCodeNo)
	requireConnWorks(t, c, p)
}

// TestStreamWindowOverflowTellsStream: a WINDOW_UPDATE that overflows a
// stream's send window is a stream error (RFC 9113 6.9.1). The stream is
// reset on the wire, so its owner must hear of it too: nothing more will
// arrive for it.
func TestStreamWindowOverflowTellsStream(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.windowUpdate(s.ID, 1<<31-1)
	f := p.waitRST(s.ID)
	require.Equal(t, http2.ErrCodeFlowControl, f.code)

	ev := nextEvent(t, s)
	require.Equal(t, EventReset, ev.Kind, "the stream was reset on the wire: %+v", ev)
	require.Equal(t, http2.ErrCodeFlowControl, ev.Code)
	requireConnWorks(t, c, p)
}

// requireConnWorks checks the connection still answers PING and carries a
// new stream both ways.
func requireConnWorks(t *testing.T, c *Conn, p *peer) {
	t.Helper()
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameGoAway, f.typ, "%v", f)
	}
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/after"), Data: []byte("q"), EndStream: true})
	p.waitData(s.ID, 1)
	p.headers(s.ID, false, responseHeaders)
	p.data(s.ID, false, []byte("r"))
	p.headers(s.ID, true, okTrailers)
	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)
	ev := nextEvent(t, s)
	require.Equal(t, EventData, ev.Kind)
	require.Equal(t, "r", string(ev.Data))
	ev = nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
	require.False(t, isClosed(c.Done()))
}

// TestInFlightDataAfterOurResetIsIgnored: once we reset a stream, DATA the
// peer sent before it saw our RST_STREAM must be ignored (RFC 9113 5.1,
// "closed": "MUST ignore frames that it receives on closed streams after it
// has sent a RST_STREAM frame"), not answered with more resets.
func TestInFlightDataAfterOurResetIsIgnored(t *testing.T) {
	c, p := dialPeer(t, Config{StreamWindow: 65535})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	for range 5 { // the fourth overflows the window; the fifth was in flight
		p.data(s.ID, false, make([]byte, 16384))
	}
	f := p.waitRST(s.ID)
	require.Equal(t, http2.ErrCodeFlowControl, f.code)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameRSTStream, f.typ, "a second reset for in-flight DATA: %v", f)
	}
	requireConnWorks(t, c, p)
}

// TestFramesBeforeSplitHeaderBlockAreNotHeldBack: frames that arrived whole
// are handed to the connection at once, even when a header block that
// follows them waits for its CONTINUATION.
func TestFramesBeforeSplitHeaderBlockAreNotHeldBack(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	block := p.encode(append(append(hf(), responseHeaders...), okTrailers...))
	var buf bytes.Buffer
	bfr := http2.NewFramer(&buf, nil)
	require.NoError(t, bfr.WritePing(false, [8]byte{'s', 'p', 'l', 'i', 't'}))
	require.NoError(t, bfr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.ID, BlockFragment: block[:1], EndStream: true}))
	_, err := p.nc.Write(buf.Bytes())
	require.NoError(t, err)

	// Bounded well below waitLimit: the ACK needs no more than a round trip.
	p.nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	fr, err := p.fr.ReadFrame()
	require.NoError(t, err, "the PING that arrived whole before the HEADERS is not answered until the CONTINUATION comes")
	ping, ok := fr.(*http2.PingFrame)
	require.True(t, ok, "%v", fr.Header())
	require.True(t, ping.IsAck())

	require.NoError(t, p.fr.WriteContinuation(s.ID, true, block[1:]))
	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
}
