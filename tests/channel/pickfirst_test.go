package channel

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc/connectivity"
)

// TestPickFirstSkipsDeadAddresses: pick_first (the default policy) walks
// static:///dead1,dead2,live in order: the refused addresses are passed
// over and every call, the very first included (it does not wait for
// ready), is served by the live backend.
func TestPickFirstSkipsDeadAddresses(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	dead1, dead2 := refusingAddr(t), refusingAddr(t)
	live := startBackend(t, "live", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+dead1+","+dead2+","+live.addr)

	for i := range 20 {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d: %v (channel %v)", i, r.err, cc.GetState())
		}
		if r.backend != "live" {
			t.Fatalf("call %d served by %q, want live", i, r.backend)
		}
	}
	if s := cc.GetState(); s != connectivity.Ready {
		t.Errorf("state = %v, want READY", s)
	}
}

// TestPickFirstSticksToFirstListed: with two live backends pick_first
// uses the first listed (after a dead one) for every call and never
// calls the second; when the first dies, it moves to the second.
func TestPickFirstSticksToFirstListed(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	dead := refusingAddr(t)
	first := startBackend(t, "first", "tcp", "127.0.0.1:0")
	second := startBackend(t, "second", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+dead+","+first.addr+","+second.addr)

	for i := range 30 {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		if r.backend != "first" {
			t.Fatalf("call %d served by %q, want first (the first live address listed)", i, r.backend)
		}
	}
	if n := second.hits.Load(); n != 0 {
		t.Errorf("the second backend served %d calls, want none", n)
	}

	first.kill()
	// The client learns of the cut connection from the socket alone;
	// nothing tells the test when, but the channel's Inspect.
	waitUntil(t, ctx, "the channel to see the first backend's connection end", func() bool {
		return !strings.Contains(cc.Inspect(ctx).State, first.addr+" ready=true")
	})
	// Reconnecting to first fails; the list is walked again and second
	// takes over. Calls meanwhile wait (CONNECTING), so none fails.
	for i := range 20 {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d after the first backend died: %v", i, r.err)
		}
		if r.backend != "second" {
			t.Fatalf("call %d after the first backend died served by %q, want second", i, r.backend)
		}
	}
}

// blackhole accepts TCP connections and never answers: the HTTP/2
// handshake cannot complete. It is closed, with its connections, when the
// test ends.
func blackhole(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			select {
			case accepted <- c:
			default:
				c.Close()
			}
		}
	}()
	t.Cleanup(func() {
		lis.Close()
		<-done
		close(accepted)
		for c := range accepted {
			c.Close()
		}
	})
	return lis.Addr().String()
}

// TestPickFirstSkipsUnresponsiveBackend: the first address accepts
// connections but never completes the HTTP/2 handshake. The attempt is
// bounded by the minimum connect timeout (1 s here), after which
// pick_first moves on and the call is served by the second address.
func TestPickFirstSkipsUnresponsiveBackend(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	hole := blackhole(t)
	live := startBackend(t, "live", "tcp", "127.0.0.1:0")
	_, client := newClient(t, "static:///"+hole+","+live.addr)

	r := call(ctx, client, 10*time.Second)
	if r.err != nil || r.backend != "live" {
		t.Fatalf("call: backend %q, err %v; want live", r.backend, r.err)
	}
	if d := r.end.Sub(r.start); d < 900*time.Millisecond || d > 5*time.Second {
		t.Errorf("the call took %v, want about the 1s connect timeout", d)
	}
}
