package retry

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// pingPolicer is an HTTP/2 server (x/net/http2's Framer) that takes no
// calls and polices keepalive pings as a strict server does: on every
// connection it notes how long after its handshake the first PING came
// (the client's silence, since nothing was read after the server's last
// frame); the first connection it then sends away with GOAWAY
// ENHANCE_YOUR_CALM "too_many_pings" (gRPC's A8).
type pingPolicer struct {
	*rawListener
	gaps chan time.Duration // one per connection that pinged
}

func startPingPolicer(t *testing.T) *pingPolicer {
	t.Helper()
	s := &pingPolicer{gaps: make(chan time.Duration, 8)}
	s.rawListener = startRawListener(t, func(c net.Conn, n int) { s.serveConn(c, n == 0) })
	return s
}

func (s *pingPolicer) serveConn(c net.Conn, sendAway bool) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	if f, err := fr.ReadFrame(); err != nil || f.Header().Type != http2.FrameSettings {
		return
	}
	if fr.WriteSettings() != nil || fr.WriteSettingsAck() != nil {
		return
	}
	lastSent := time.Now()
	pinged := false
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		p, ok := f.(*http2.PingFrame)
		if !ok || p.IsAck() {
			continue
		}
		if !pinged {
			pinged = true
			s.gaps <- time.Since(lastSent)
		}
		if sendAway {
			fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, []byte("too_many_pings"))
			return
		}
		if fr.WritePing(true, p.Data) != nil {
			return
		}
	}
}

// TestKeepaliveDoublesAfterTooManyPings: a server that sends the client
// away for pinging too often (GOAWAY ENHANCE_YOUR_CALM "too_many_pings")
// gets pinged half as often on the next connection, as A8 asks; pinging
// at the same rate would only be sent away again.
func TestKeepaliveDoublesAfterTooManyPings(t *testing.T) {
	const pingTime = 100 * time.Millisecond
	srv := startPingPolicer(t)
	cc := dial(t, srv.addr(), rpc.WithKeepaliveParams(keepalive.ClientParameters{
		Time:                pingTime,
		Timeout:             10 * time.Second,
		PermitWithoutStream: true,
	}))
	ctx := callContext(t, 20*time.Second)
	// nextGap waits for the next connection's first PING, connecting the
	// channel whenever it is IDLE (as it is once the server sent it away).
	nextGap := func(conn string) time.Duration {
		t.Helper()
		for {
			s := cc.GetState()
			if s == connectivity.Idle {
				cc.Connect()
			}
			wctx, cancel := context.WithCancel(ctx)
			changed := make(chan struct{})
			go func() {
				defer close(changed)
				cc.WaitForStateChange(wctx, s)
			}()
			select {
			case gap := <-srv.gaps:
				cancel()
				<-changed
				return gap
			case <-changed:
				cancel()
			case <-ctx.Done():
				cancel()
				<-changed
				t.Fatalf("the %s connection was never pinged (the channel is %v)", conn, cc.GetState())
			}
		}
	}

	cc.Connect()
	if gap := nextGap("first"); gap < pingTime {
		t.Fatalf("the first connection was pinged after %v of silence, before the keepalive time %v", gap, pingTime)
	}
	if gap := nextGap("second"); gap < 2*pingTime {
		t.Fatalf("after GOAWAY too_many_pings the next connection was pinged after %v of silence, want at least twice the keepalive time (%v)", gap, 2*pingTime)
	}
}
