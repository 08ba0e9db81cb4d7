package connactor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// The policy's arithmetic, at chosen times.
func TestPingPoliceStrikes(t *testing.T) {
	t0 := time.Unix(1000, 0)
	t.Run("two strikes tolerated, the third is too many", func(t *testing.T) {
		p := newPingPolice(PingPolicy{MinTime: time.Minute})
		require.False(t, p.onPing(t0, 1), "the first PING is never early")
		require.False(t, p.onPing(t0.Add(time.Second), 1), "strike 1")
		require.False(t, p.onPing(t0.Add(2*time.Second), 1), "strike 2")
		require.True(t, p.onPing(t0.Add(3*time.Second), 1), "strike 3")
	})
	t.Run("pings MinTime apart are fine", func(t *testing.T) {
		p := newPingPolice(PingPolicy{MinTime: time.Minute})
		for i := range 10 {
			require.False(t, p.onPing(t0.Add(time.Duration(i)*time.Minute), 1), "ping %d", i)
		}
	})
	t.Run("sending data forgives", func(t *testing.T) {
		p := newPingPolice(PingPolicy{MinTime: time.Minute})
		for i := range 10 {
			p.sent <- struct{}{} // the writer sent DATA since the last PING
			require.False(t, p.onPing(t0.Add(time.Duration(i)*time.Second), 1), "ping %d", i)
		}
		require.Zero(t, p.strikes)
	})
	t.Run("without streams, two hours apart unless permitted", func(t *testing.T) {
		p := newPingPolice(PingPolicy{MinTime: time.Second})
		require.False(t, p.onPing(t0, 0))
		require.False(t, p.onPing(t0.Add(time.Hour), 0), "strike 1: an hour is less than two")
		require.False(t, p.onPing(t0.Add(2*time.Hour), 0), "strike 2")
		require.True(t, p.onPing(t0.Add(3*time.Hour), 0), "strike 3")

		p = newPingPolice(PingPolicy{MinTime: time.Second, PermitWithoutStream: true})
		for i := range 5 {
			require.False(t, p.onPing(t0.Add(time.Duration(i)*time.Hour), 0))
		}
	})
}

// A client that pings more often than the policy allows is told
// ENHANCE_YOUR_CALM "too_many_pings" on the third early PING, after its
// PINGs were answered; a server sending DATA between PINGs tolerates any
// rate.
func TestTooManyPingsGoAway(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	cfg := serverConfig(ch)
	cfg.PingPolicy = &PingPolicy{MinTime: time.Hour, PermitWithoutStream: true}
	c, p := acceptPeer(t, cfg)
	for range 3 { // the first is not early; then strikes 1 and 2
		p.pingBarrier()
	}
	require.False(t, isClosed(c.GoingAway()), "two strikes are tolerated")
	require.NoError(t, p.fr.WritePing(false, [8]byte{'x'}))
	f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, f.code)
	require.Equal(t, "too_many_pings", string(f.debug))
	p.expectHangUp()
	waitConnDone(t, c)
}

func TestPingsBetweenDataAreForgiven(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	cfg := serverConfig(ch)
	cfg.PingPolicy = &PingPolicy{MinTime: time.Hour}
	c, p := acceptPeer(t, cfg)
	p.headers(1, false, requestHeaders("/svc/stream"))
	a := waitAccepted(t, ch)
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	require.NoError(t, a.s.Write(Write{Header: responseHeaders}))
	p.waitHeaders(1)
	for i := range 10 {
		p.pingBarrier()
		require.NoError(t, a.s.Write(Write{Data: []byte{0, 0, 0, 0, 1, byte(i)}}))
		p.waitData(1, 6)
	}
	p.pingBarrier()
	require.False(t, isClosed(c.GoingAway()), "pings that follow our DATA are not abuse")
	require.NoError(t, a.s.Write(Write{Trailer: okTrailers}))
	p.waitHeaders(1)
	a.s.Release()
	closeConn(t, c)
}

// Without a policy (the connactor default), any rate is answered.
func TestNoPingPolicyAnswersAll(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	for range 20 {
		p.pingBarrier()
	}
	require.False(t, isClosed(c.GoingAway()))
	closeConn(t, c)
}
