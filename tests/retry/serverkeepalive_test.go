package retry

import (
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// rawPinger opens an HTTP/2 connection to addr with x/net's Framer, as a
// client that knows nothing of gRPC would.
func rawPinger(t *testing.T, addr string) *http2.Framer {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return fr
}

// A server with the default enforcement policy (grpc-go's: one PING per
// 5 minutes, none without a call) answers a client's first PINGs, and
// sends it away with GOAWAY ENHANCE_YOUR_CALM "too_many_pings" at the
// third that breaks the policy.
func TestServerSendsTooManyPingsAway(t *testing.T) {
	fr := rawPinger(t, serve(t, &backend{}))
	acks, sent := 0, 0
	for {
		if sent < 4 && sent == acks { // one at a time, four in all
			sent++
			if err := fr.WritePing(false, [8]byte{byte(sent)}); err != nil {
				t.Fatal(err)
			}
		}
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d PINGs (%d answered): %v; want GOAWAY too_many_pings", sent, acks, err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
			continue
		case *http2.PingFrame:
			if f.IsAck() {
				acks++
			}
			continue
		case *http2.GoAwayFrame:
			if f.ErrCode != http2.ErrCodeEnhanceYourCalm || string(f.DebugData()) != "too_many_pings" {
				t.Fatalf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", f.ErrCode, f.DebugData())
			}
			// The first PING is fine and two early ones are tolerated: the
			// fourth is the third strike, and it is answered too.
			if acks != 4 {
				t.Fatalf("GOAWAY after %d answered PINGs, want 4", acks)
			}
			return
		}
	}
}

// An actorpc client that pings faster than the server allows is sent away
// and reconnects; its calls go on working.
func TestClientPingingTooOftenReconnects(t *testing.T) {
	p := startProxy(t, serve(t, &backend{}, rpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Hour, PermitWithoutStream: true})))
	cc := dial(t, p.addr(), rpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 20 * time.Millisecond, PermitWithoutStream: true}))
	client := echopb.NewEchoClient(cc)
	if _, err := client.UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "before"}); err != nil {
		t.Fatal(err)
	}
	ctx := callContext(t, 10*time.Second)
	for state := cc.GetState(); state == connectivity.Ready; state = cc.GetState() {
		if !cc.WaitForStateChange(ctx, state) {
			t.Fatal("the server never sent the eager client away")
		}
	}
	if _, err := client.UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "after"}); err != nil {
		t.Fatalf("a call after too_many_pings: %v", err)
	}
	// The client reconnects (pick_first does so at once, not on the next
	// call), and its doubled keepalive time is still too eager for this
	// server, so it may be sent away again meanwhile: at least two.
	if n := p.connections(); n < 2 {
		t.Fatalf("the proxy saw %d connections, want a new one after too_many_pings", n)
	}
}

// A server with MaxConnectionAge closes its connections gracefully as they
// age, and the calls of a busy client never see it.
func TestMaxConnectionAgeIsInvisibleToCalls(t *testing.T) {
	p := startProxy(t, serve(t, &backend{}, rpc.KeepaliveParams(keepalive.ServerParameters{
		MaxConnectionAge:      100 * time.Millisecond,
		MaxConnectionAgeGrace: 5 * time.Second,
	})))
	client := echopb.NewEchoClient(dial(t, p.addr()))
	ctx := callContext(t, 20*time.Second)
	calls := 0
	for p.connections() < 3 {
		if ctx.Err() != nil {
			t.Fatalf("%d calls in 20 s and only %d connections: MaxConnectionAge did not close them", calls, p.connections())
		}
		if _, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "aging"}); err != nil {
			t.Fatalf("call %d: %v", calls, err)
		}
		calls++
	}
}
