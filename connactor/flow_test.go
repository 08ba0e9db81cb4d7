package connactor

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func windowUpdates(frames []rframe) []rframe {
	var out []rframe
	for _, f := range frames {
		if f.typ == http2.FrameWindowUpdate {
			out = append(out, f)
		}
	}
	return out
}

// barrierViaInbox opens a stream and returns the frames the Conn sent
// before its HEADERS. Open goes through the same mailbox as Consumed, so
// whatever a Consumed told before it did is in the result.
func barrierViaInbox(t *testing.T, c *Conn, p *peer) []rframe {
	t.Helper()
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/barrier"), EndStream: true})
	_, before := p.waitFor("barrier HEADERS", isType(http2.FrameHeaders, s.ID))
	return before
}

func TestWindowUpdatesFollowConsumed(t *testing.T) {
	const streamWindow, connWindow = 65536, 131072 // grants at 16384 and 32768
	c, p := dialPeer(t, Config{StreamWindow: streamWindow, ConnWindow: connWindow})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	const sent = 3*16384 + 12000 // most of the stream window
	for range 3 {
		p.data(s.ID, false, make([]byte, 16384))
	}
	p.data(s.ID, false, make([]byte, 12000))
	require.Empty(t, windowUpdates(p.pingBarrier()), "nothing is granted before the application consumes")

	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)
	got := 0
	for got < sent {
		ev := nextEvent(t, s)
		require.Equal(t, EventData, ev.Kind)
		got += len(ev.Data)
	}
	require.Equal(t, sent, got)
	require.Empty(t, windowUpdates(p.pingBarrier()), "reading events is not consuming")

	// Below a quarter of the stream window: still nothing.
	s.Consumed(10000)
	require.Empty(t, windowUpdates(barrierViaInbox(t, c, p)))

	// A quarter of the stream window: the stream gets its grant; the
	// connection, with a larger window, not yet.
	s.Consumed(6384)
	f, before := p.waitFor("stream WINDOW_UPDATE", isType(http2.FrameWindowUpdate, s.ID))
	require.Equal(t, uint32(16384), f.incr)
	require.Empty(t, windowUpdates(before))
	require.Empty(t, windowUpdates(barrierViaInbox(t, c, p)), "the connection's quarter is not reached")

	// A quarter of the connection window consumed: both are granted.
	s.Consumed(16384)
	var connIncr, streamIncr uint32
	for connIncr == 0 || streamIncr == 0 {
		f, _ := p.waitFor("WINDOW_UPDATE", func(f rframe) bool { return f.typ == http2.FrameWindowUpdate })
		switch f.stream {
		case 0:
			require.Zero(t, connIncr, "one connection grant")
			connIncr = f.incr
		case s.ID:
			require.Zero(t, streamIncr, "one stream grant")
			streamIncr = f.incr
		default:
			t.Fatalf("unexpected %v", f)
		}
	}
	require.Equal(t, uint32(32768), connIncr)
	require.Equal(t, uint32(16384), streamIncr)

	// The peer may now send what was granted: 65536-61152+32768 on the
	// stream, without a flow-control error.
	for left := streamWindow - sent + 32768; left > 0; left -= 16384 {
		n := min(left, 16384)
		p.data(s.ID, n == left, make([]byte, n))
	}
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameRSTStream, f.typ, "%v", f)
		require.NotEqual(t, http2.FrameGoAway, f.typ, "%v", f)
	}
}

func TestReleaseReturnsUnconsumedBytesToConnection(t *testing.T) {
	const connWindow = 131072 // grant at 32768
	c, p := dialPeer(t, Config{ConnWindow: connWindow})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	for range 3 {
		p.data(s.ID, false, make([]byte, 16384))
	}
	require.Empty(t, windowUpdates(p.pingBarrier()))
	// The stream ends without consuming: the connection gets the bytes back.
	s.Release()
	f, _ := p.waitFor("connection WINDOW_UPDATE", isType(http2.FrameWindowUpdate, 0))
	require.Equal(t, uint32(3*16384), f.incr)
}

func collectData(t *testing.T, p *peer, stream uint32, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, f := range p.waitData(stream, n) {
		buf.Write(f.data)
	}
	return buf.Bytes()
}

func requireNoDone(t *testing.T, done chan error) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("Write finished (%v) before all of it was sent", err)
	default:
	}
}

func requireDone(t *testing.T, done chan error) {
	t.Helper()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(waitLimit):
		t.Fatal("Write never finished")
	}
}

func TestWriterRespectsPeerStreamWindow(t *testing.T) {
	c, p := dialPeer(t, Config{}, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 10})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)

	payload := seq(100)
	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Data: payload, EndStream: true, Done: done}))

	var got []byte
	f, _ := p.waitFor("DATA", isType(http2.FrameData, s.ID))
	require.Len(t, f.data, 10, "only the peer's window")
	require.False(t, f.endStream())
	got = append(got, f.data...)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "DATA beyond the peer's window: %v", f)
	}
	requireNoDone(t, done)

	p.windowUpdate(s.ID, 50)
	f, _ = p.waitFor("DATA", isType(http2.FrameData, s.ID))
	require.Len(t, f.data, 50)
	require.False(t, f.endStream())
	got = append(got, f.data...)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "DATA beyond the peer's window: %v", f)
	}
	requireNoDone(t, done)

	p.windowUpdate(s.ID, 1000)
	f, _ = p.waitFor("DATA", isType(http2.FrameData, s.ID))
	require.Len(t, f.data, 40)
	require.True(t, f.endStream())
	got = append(got, f.data...)
	require.Equal(t, payload, got)
	requireDone(t, done)
}

func TestWriterRespectsPeerConnectionWindow(t *testing.T) {
	c, p := dialPeer(t, Config{}, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 20})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	payload := seq(70000)
	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Data: payload, EndStream: true, Done: done}))

	got := collectData(t, p, s.ID, 65535)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "DATA beyond the connection window: %v", f)
	}
	requireNoDone(t, done)

	p.windowUpdate(0, 70000-65535)
	frames := p.waitData(s.ID, 70000-65535)
	require.True(t, frames[len(frames)-1].endStream())
	for _, f := range frames {
		got = append(got, f.data...)
	}
	require.Equal(t, payload, got)
	requireDone(t, done)
}

func TestWriterSplitsDataAtPeerMaxFrameSize(t *testing.T) {
	cases := []struct {
		name     string
		settings []http2.Setting
		size     int
		want     []int
	}{
		{"default", nil, 40000, []int{16384, 16384, 7232}},
		{"peer setting", []http2.Setting{{ID: http2.SettingMaxFrameSize, Val: 20000}}, 45000, []int{20000, 20000, 5000}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, p := dialPeer(t, Config{}, tc.settings...)
			payload := seq(tc.size)
			s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), Data: payload, EndStream: true})
			p.waitHeaders(s.ID)
			frames := p.waitData(s.ID, tc.size)
			var sizes []int
			var got []byte
			for i, f := range frames {
				sizes = append(sizes, len(f.data))
				got = append(got, f.data...)
				require.Equal(t, i == len(frames)-1, f.endStream(), "END_STREAM on the last frame only")
			}
			require.Equal(t, tc.want, sizes)
			require.Equal(t, payload, got)
		})
	}
}

func TestLargeHeadersSplitIntoContinuation(t *testing.T) {
	c, p := dialPeer(t, Config{})
	r := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	big := make([]byte, 40000)
	for i := range big {
		big[i] = letters[r.IntN(len(letters))]
	}
	fields := append(requestHeaders("/svc/m"), hf("x-big", string(big))...)
	s := open(t, c, OpenRequest{Header: fields, EndStream: true})
	// The peer reads at most 16384-byte frames: the block must be split.
	f := p.waitHeaders(s.ID)
	require.Equal(t, fields, f.fields)
	require.True(t, f.endStream())
}
