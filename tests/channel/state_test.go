package channel

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/manual"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestStateIdleConnectingReady: a new channel is IDLE and makes no
// connection; Connect moves it to CONNECTING, where it stays while the
// dial is held, then to READY once the dial goes through.
// WaitForStateChange reports false when its context ends first.
func TestStateIdleConnectingReady(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	release := make(chan struct{})
	dials := make(chan string, 16)
	cc, client := newClient(t, be.addr, rpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
		dials <- addr
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}))

	if s := cc.GetState(); s != connectivity.Idle {
		t.Fatalf("state of a new channel = %v, want IDLE", s)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	changed := cc.WaitForStateChange(short, connectivity.Idle)
	cancel()
	if changed {
		t.Fatalf("WaitForStateChange(IDLE) reported a change with nobody using the channel (state %v)", cc.GetState())
	}
	select {
	case addr := <-dials:
		t.Fatalf("an unused channel dialled %s", addr)
	default:
	}

	cc.Connect()
	if !cc.WaitForStateChange(ctx, connectivity.Idle) {
		t.Fatal("Connect did not move the channel out of IDLE")
	}
	select {
	case addr := <-dials:
		if addr != be.addr {
			t.Errorf("dialled %q, want %q", addr, be.addr)
		}
	case <-ctx.Done():
		t.Fatal("Connect did not dial")
	}
	if s := cc.GetState(); s != connectivity.Connecting {
		t.Fatalf("state while the dial is held = %v, want CONNECTING", s)
	}
	short, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
	changed = cc.WaitForStateChange(short, connectivity.Connecting)
	cancel()
	if changed {
		t.Fatalf("WaitForStateChange(CONNECTING) = true while the dial is held (state %v), want false at its deadline", cc.GetState())
	}

	close(release)
	if !cc.WaitForStateChange(ctx, connectivity.Connecting) {
		t.Fatal("the channel stayed CONNECTING after the dial went through")
	}
	if s := cc.GetState(); s != connectivity.Ready {
		t.Fatalf("state after the dial = %v, want READY", s)
	}
	// A state other than from answers at once; an ended context, false.
	if !cc.WaitForStateChange(ctx, connectivity.Idle) {
		t.Error("WaitForStateChange(IDLE) on a READY channel = false, want true at once")
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if cc.WaitForStateChange(done, connectivity.Ready) {
		t.Error("WaitForStateChange with an ended context = true, want false")
	}
	if r := call(ctx, client, callTimeout); r.err != nil || r.backend != "a" {
		t.Fatalf("call on the READY channel: backend %q, err %v", r.backend, r.err)
	}
}

// TestStateTransientFailure: a channel whose only backend refuses goes
// TRANSIENT_FAILURE. A call that does not wait for ready then fails fast
// with Unavailable; a wait-for-ready call waits until its deadline
// (DeadlineExceeded), or until a backend appears: a server started on the
// address serves the call that was waiting.
func TestStateTransientFailure(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	addr := refusingAddr(t)
	cc, client := newClient(t, addr)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.TransientFailure)

	r := call(ctx, client, 5*time.Second)
	if r.code() != codes.Unavailable {
		t.Fatalf("call on a TRANSIENT_FAILURE channel: %v, want Unavailable", r.err)
	}
	if d := r.end.Sub(r.start); d > time.Second {
		t.Errorf("the failing call took %v of its 5s, want it to fail fast", d)
	}
	if msg := status.Convert(r.err).Message(); !strings.Contains(msg, addr) {
		t.Errorf("the error %q does not name the backend %s that refused", msg, addr)
	}

	// A wait-for-ready call with a long deadline, waiting...
	waiting := make(chan result, 1)
	go func() { waiting <- call(ctx, client, 10*time.Second, rpc.WaitForReady(true)) }()
	waitUntil(t, ctx, "the wait-for-ready call to wait for a pick", func() bool { return inspectWaiting(ctx, cc) == 1 })

	// ...while a short one runs out its deadline.
	r = call(ctx, client, 300*time.Millisecond, rpc.WaitForReady(true))
	if r.code() != codes.DeadlineExceeded {
		t.Fatalf("wait-for-ready call with no backend: %v, want DeadlineExceeded", r.err)
	}
	if d := r.end.Sub(r.start); d < 300*time.Millisecond {
		t.Errorf("the wait-for-ready call gave up after %v, before its 300ms deadline", d)
	}
	select {
	case r := <-waiting:
		t.Fatalf("the wait-for-ready call ended while no backend was up: %v", r.err)
	default:
	}

	be := startBackend(t, "late", "tcp", addr)
	select {
	case r := <-waiting:
		if r.err != nil || r.backend != "late" {
			t.Fatalf("the waiting call: backend %q, err %v; want it served by the backend that came up", r.backend, r.err)
		}
	case <-ctx.Done():
		t.Fatal("the waiting call never ended")
	}
	if s := cc.GetState(); s != connectivity.Ready {
		t.Errorf("state once the backend is up = %v, want READY", s)
	}
	if n := be.hits.Load(); n != 1 {
		t.Errorf("the backend ran %d calls, want 1", n)
	}
}

// TestCallBeforeFirstResolution: a call made before the resolver has said
// anything (a manual resolver with no initial state) waits, even without
// wait-for-ready, and is served once the resolver gives an address.
func TestCallBeforeFirstResolution(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	r := manual.NewBuilderWithScheme("late")
	cc, client := newClient(t, "late:///service", rpc.WithResolvers(r))

	done := make(chan result, 1)
	go func() { done <- call(ctx, client, 10*time.Second) }()
	waitUntil(t, ctx, "the call to wait for a pick", func() bool { return inspectWaiting(ctx, cc) == 1 })
	if s := cc.GetState(); s != connectivity.Connecting {
		t.Errorf("state while resolving = %v, want CONNECTING", s)
	}
	select {
	case res := <-done:
		t.Fatalf("the call ended before any resolution: %v", res.err)
	default:
	}

	r.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: be.addr}}})
	select {
	case res := <-done:
		if res.err != nil || res.backend != "a" {
			t.Fatalf("the call: backend %q, err %v; want it served once resolved", res.backend, res.err)
		}
	case <-ctx.Done():
		t.Fatal("the call never ended after the resolution")
	}
}

// TestResolverErrorBeforeFirstResolution: while the resolver has given no
// state, its error fails the waiting calls that do not wait for ready,
// with Unavailable naming the error; a wait-for-ready call keeps waiting
// and is served once a state arrives.
func TestResolverErrorBeforeFirstResolution(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	r := manual.NewBuilderWithScheme("broken")
	cc, client := newClient(t, "broken:///service", rpc.WithResolvers(r))

	failFast := make(chan result, 1)
	go func() { failFast <- call(ctx, client, 10*time.Second) }()
	patient := make(chan result, 1)
	go func() { patient <- call(ctx, client, 10*time.Second, rpc.WaitForReady(true)) }()
	waitUntil(t, ctx, "both calls to wait for a pick", func() bool { return inspectWaiting(ctx, cc) == 2 })

	r.ReportError(errors.New("name service on fire"))
	select {
	case res := <-failFast:
		if res.code() != codes.Unavailable || !strings.Contains(status.Convert(res.err).Message(), "name service on fire") {
			t.Fatalf("the call that does not wait for ready: %v, want Unavailable naming the resolver's error", res.err)
		}
	case <-ctx.Done():
		t.Fatal("the resolver's error did not end the call that does not wait for ready")
	}
	waitForState(t, ctx, cc, connectivity.TransientFailure)
	select {
	case res := <-patient:
		t.Fatalf("the wait-for-ready call ended on the resolver's error: %v", res.err)
	default:
	}

	r.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: be.addr}}})
	select {
	case res := <-patient:
		if res.err != nil || res.backend != "a" {
			t.Fatalf("the wait-for-ready call: backend %q, err %v; want it served once resolved", res.backend, res.err)
		}
	case <-ctx.Done():
		t.Fatal("the wait-for-ready call never ended after the resolution")
	}
	waitForState(t, ctx, cc, connectivity.Ready)
}

// TestCloseEndsEverything: Close ends a channel in use (a connection, a
// stream open on it, a call waiting for a pick on a second channel...):
// the calls end with Canceled, the state is SHUTDOWN, later calls fail,
// and no goroutine of the channel is left.
func TestCloseEndsEverything(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	dead := refusingAddr(t)
	cc, err := rpc.NewClient("static:///"+be.addr+","+dead, rpc.WithTransportCredentials(insecure.NewCredentials()), fastReconnect(), rpc.WithDefaultServiceConfig(roundRobin))
	if err != nil {
		t.Fatal(err)
	}
	client := echopb.NewEchoClient(cc)
	if r := call(ctx, client, callTimeout, rpc.WaitForReady(true)); r.err != nil {
		t.Fatal(r.err)
	}
	// A bidirectional stream left open.
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	defer scancel()
	stream, err := client.BidirectionalStreamingEcho(sctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&echopb.EchoRequest{Message: "open"}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	// A call waiting for a pick: a channel whose resolver never answers.
	r := manual.NewBuilderWithScheme("never")
	cc2, err := rpc.NewClient("never:///x", rpc.WithTransportCredentials(insecure.NewCredentials()), rpc.WithResolvers(r))
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan result, 1)
	go func() { waiting <- call(ctx, echopb.NewEchoClient(cc2), 10*time.Second, rpc.WaitForReady(true)) }()
	waitUntil(t, ctx, "the call to wait for a pick", func() bool { return inspectWaiting(ctx, cc2) == 1 })

	closed := make(chan struct{})
	go func() {
		defer close(closed)
		cc.Close()
		cc2.Close()
	}()
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("Close did not return")
	}
	select {
	case res := <-waiting:
		if res.code() != codes.Canceled {
			t.Errorf("the call waiting for a pick ended with %v at Close, want Canceled", res.err)
		}
	case <-ctx.Done():
		t.Fatal("the call waiting for a pick did not end at Close")
	}
	// (What status it ends with is TestCloseCancelsCallsInFlight's.)
	if _, err := stream.Recv(); err == nil {
		t.Errorf("Recv on a stream open when its channel closed succeeded")
	}
	for _, c := range []*rpc.ClientConn{cc, cc2} {
		if s := c.GetState(); s != connectivity.Shutdown {
			t.Errorf("state after Close = %v, want SHUTDOWN", s)
		}
		if c.WaitForStateChange(ctx, connectivity.Shutdown) {
			t.Error("WaitForStateChange(SHUTDOWN) after Close = true, want false at once")
		}
	}
	if r := call(ctx, client, callTimeout); r.code() != codes.Canceled {
		t.Errorf("a call after Close: %v, want Canceled", r.err)
	}
	be.stop()
	goleak.VerifyNone(t, ignore)
}

// TestCloseCancelsCallsInFlight: Close's contract (and grpc-go's) is that
// the calls in flight end with Canceled, the client having given up on
// them, not with Unavailable as if the server had gone: a unary call the
// server is still running and a bidirectional stream left open.
func TestCloseCancelsCallsInFlight(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	cc, err := rpc.NewClient(be.addr, rpc.WithTransportCredentials(insecure.NewCredentials()), fastReconnect())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)
	if r := call(ctx, client, callTimeout); r.err != nil {
		t.Fatal(r.err)
	}
	stream, err := client.BidirectionalStreamingEcho(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&echopb.EchoRequest{Message: "open"}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	hits := be.hits.Load()
	unary := make(chan result, 1)
	go func() {
		// The server holds the call 10 s: it is in flight at Close.
		unary <- call(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "10000"), client, 15*time.Second)
	}()
	waitUntil(t, ctx, "the server to run the unary call", func() bool { return be.hits.Load() > hits })

	cc.Close()
	select {
	case r := <-unary:
		if r.code() != codes.Canceled {
			t.Errorf("a unary call in flight at Close ended with %v, want Canceled", r.err)
		}
	case <-ctx.Done():
		t.Fatal("the unary call in flight did not end at Close")
	}
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled {
		t.Errorf("Recv on a stream open at Close: %v, want Canceled", err)
	}
}

// TestCloseUnderLoad: Close while 8 goroutines make calls over two
// backends: Close returns, every call returns promptly (none runs into
// its deadline) with OK or a status, and calls made after Close fail with
// Canceled.
func TestCloseUnderLoad(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, err := rpc.NewClient("static:///"+a.addr+","+b.addr, rpc.WithTransportCredentials(insecure.NewCredentials()), fastReconnect(), rpc.WithDefaultServiceConfig(roundRobin))
	if err != nil {
		t.Fatal(err)
	}
	client := echopb.NewEchoClient(cc)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	l := startLoad(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "2"), client, workers, callTimeout)
	defer l.stop()
	l.waitFor(t, ctx, "200 calls", func(rs []result) bool { return len(rs) >= 200 })
	closeStart := time.Now()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		cc.Close()
	}()
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("Close under load did not return")
	}
	closeTook := time.Since(closeStart)
	l.waitFor(t, ctx, "calls after Close", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(closeStart.Add(closeTook)) {
				n++
			}
		}
		return n >= workers
	})
	rs := l.stop()
	checkNoHang(t, rs)
	for _, r := range rs {
		switch {
		case r.start.After(closeStart.Add(closeTook)):
			if r.code() != codes.Canceled {
				t.Errorf("a call made after Close: %v, want Canceled", r.err)
			}
		case r.err != nil && r.code() != codes.Canceled && r.code() != codes.Unavailable:
			t.Errorf("a call in flight at Close: %v, want Canceled (or Unavailable)", r.err)
		}
	}
	t.Logf("Close took %v; %d calls: %s", closeTook, len(rs), summary(rs))
}
