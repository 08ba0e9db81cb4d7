package attacks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// TestPingFloodDefaultPolicy: tens of thousands of PINGs, none of their
// ACKs read. The default keepalive policy (one PING per 5 minutes, none
// without a stream) ends the connection at the third strike with GOAWAY
// ENHANCE_YOUR_CALM "too_many_pings".
func TestPingFloodDefaultPolicy(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	s := dialSilent(t, addr)
	sent, err := s.flood(50000, time.Second, func(fr *http2.Framer) error { return fr.WritePing(false, [8]byte{1}) })
	h.sample()
	ga, frames, ended := s.drain(t, 5*time.Second)
	t.Logf("ping flood: %d PINGs sent (stopped by %v); %d frames back, ended=%v, goaway=%+v", sent, err, frames, ended, ga)
	h.requireBelow(t, 16*mib, "ping flood")
	require.NotNil(t, ga, "no GOAWAY")
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, ga.code)
	require.Equal(t, "too_many_pings", ga.debug)
	require.True(t, ended)
}

// TestPingFloodPermitted: with a policy that permits every PING, a flood
// whose ACKs are never read must not queue ACKs without bound: the server
// stops reading (the client's writes time out) or writes them as fast.
func TestPingFloodPermitted(t *testing.T) {
	addr := serve(t, rpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Nanosecond, PermitWithoutStream: true}))
	h := newHeapGrowth()
	s := dialSilent(t, addr)
	sent, err := s.flood(60000, time.Second, func(fr *http2.Framer) error { return fr.WritePing(false, [8]byte{1}) })
	h.sample()
	ga, frames, ended := s.drain(t, 2*time.Second)
	h.sample()
	t.Logf("permitted ping flood: %d PINGs sent (stopped by %v); %d frames back, ended=%v, goaway=%+v", sent, err, frames, ended, ga)
	h.requireBelow(t, 32*mib, "permitted ping flood, ACKs unread")
	require.True(t, err == nil || timedOut(err), "the connection failed: %v", err)
	require.Nil(t, ga)
}

// TestSettingsFlood: many SETTINGS frames, none of their ACKs read until
// the end. The server acknowledges the first hundred, then ends the
// connection with GOAWAY ENHANCE_YOUR_CALM (connactor/flood_policy.go),
// holding nothing for the flood on the way.
func TestSettingsFlood(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	s := dialSilent(t, addr)
	sent, err := s.flood(60000, time.Second, func(fr *http2.Framer) error {
		return fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 65535})
	})
	h.sample()
	ga, frames, ended := s.drain(t, 5*time.Second)
	h.sample()
	t.Logf("settings flood: %d SETTINGS sent (stopped by %v); %d frames back, ended=%v, goaway=%+v", sent, err, frames, ended, ga)
	h.requireBelow(t, 32*mib, "settings flood, ACKs unread")
	require.NotNil(t, ga, "no GOAWAY")
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, ga.code, "GOAWAY debug %q", ga.debug)
	require.Contains(t, ga.debug, "SETTINGS flood")
	require.True(t, ended)
}

// TestResetFlood: RST_STREAM, over and over, on a closed stream. Today
// the server ignores them (RFC 9113 5.4.2: no RST_STREAM for a RST_STREAM)
// and the connection keeps serving.
func TestResetFlood(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	id := c.open("UnaryEcho", false)
	require.NoError(t, c.fr.WriteData(id, true, echoRequest(t, "done")))
	c.until("the unary response's trailers", func(f frame) bool {
		return f.typ == http2.FrameHeaders && f.stream == id && f.endStream()
	})
	sent := 0
	for i := range 100000 {
		if c.fr.WriteRSTStream(id, http2.ErrCodeCancel) != nil {
			break
		}
		sent++
		if i%10000 == 0 {
			h.sample()
		}
	}
	ga, alive := c.endOrPing()
	h.sample()
	t.Logf("reset flood: %d RST_STREAM sent; alive=%v goaway=%+v", sent, alive, ga)
	h.requireBelow(t, 16*mib, "reset flood")
	require.True(t, alive, "today RST_STREAM on a closed stream is ignored (GOAWAY %+v)", ga)
}

// TestEmptyDataFlood: zero-length DATA frames without END_STREAM on an
// open stream, many thousand of them. They cost the server nothing it
// keeps, and after a hundred in a row it ends the connection with GOAWAY
// ENHANCE_YOUR_CALM (connactor/flood_policy.go).
func TestEmptyDataFlood(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr)
	c.ready()
	id := c.open("BidirectionalStreamingEcho", false)
	sent := 0
	for i := range 100000 {
		if c.fr.WriteData(id, false, nil) != nil {
			break // the server hung up
		}
		sent++
		if i%10000 == 0 {
			h.sample()
		}
	}
	ga, alive := c.endOrPing()
	h.sample()
	t.Logf("empty DATA flood: %d sent; alive=%v goaway=%+v", sent, alive, ga)
	h.requireBelow(t, 16*mib, "empty DATA flood")
	require.False(t, alive, "the connection survived the flood")
	require.NotNil(t, ga, "no GOAWAY")
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, ga.code, "GOAWAY debug %q", ga.debug)
	require.Contains(t, ga.debug, "empty DATA flood")
}
