package channel

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// workers is how many goroutines make calls concurrently in the load
// tests.
const workers = 8

// TestBackendKilledUnderLoad: a round_robin channel over three backends
// under load from 8 goroutines; one backend is killed (listener closed,
// connections cut). No call hangs; only the calls in flight on it at the
// kill may fail, with Unavailable; the others keep serving every call; and
// when a server comes back on the killed address, calls reach it again.
func TestBackendKilledUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	c := startBackend(t, "c", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr+","+c.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b", "c")

	// Each call takes a few milliseconds on the server, so that calls are
	// in flight on b when it is killed.
	lctx := metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "2")
	l := startLoad(lctx, client, workers, callTimeout)
	defer l.stop()
	l.waitFor(t, ctx, "every backend to serve under load", func(rs []result) bool {
		s := served(rs)
		return s["a"] >= 20 && s["b"] >= 20 && s["c"] >= 20
	})

	killStart := time.Now()
	b.kill()
	killed := time.Now()
	bHitsAtKill := b.hits.Load()
	// A call may still be sent on b's connection until the client has
	// seen it end (the server cut it without a GOAWAY: nothing tells the
	// client which calls it had taken). Nothing signals that moment but
	// the channel's Inspect: poll it.
	waitUntil(t, ctx, "the channel to see b's connection end", func() bool {
		return !strings.Contains(cc.Inspect(ctx).State, b.addr+" ready=true")
	})
	noticed := time.Now()

	// After the kill, calls keep succeeding, on a and c only.
	l.waitFor(t, ctx, "100 calls started after the kill to succeed", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(killed) && r.err == nil {
				n++
			}
		}
		return n >= 100
	})
	// A stream the server accepted just before Stop may reach its handler
	// just after Stop returned (Stop does not wait for handlers, as in
	// grpc-go); at most one per worker was in flight. Any more would be
	// calls sent to a dead backend.
	if d := b.hits.Load() - bHitsAtKill; d > workers {
		t.Errorf("the killed backend ran %d calls after its Stop returned, want at most %d accepted before it", d, workers)
	}

	b.restart()
	restarted := time.Now()
	l.waitFor(t, ctx, "the restarted backend to serve calls again", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(restarted) && r.err == nil && r.backend == "b" {
				n++
			}
		}
		return n >= 10
	})
	rs := l.stop()

	checkNoHang(t, rs)
	failedInFlight := 0
	for _, r := range rs {
		if r.err == nil {
			if r.backend == "b" && r.start.After(killed) && r.end.Before(restarted) {
				t.Errorf("a call served by b between its kill and its restart: %+v", r)
			}
			continue
		}
		// Only a call in flight on b's connection when it was cut may
		// fail, and only with Unavailable.
		if r.code() != codes.Unavailable || !r.start.Before(noticed) || r.end.Before(killStart) {
			t.Errorf("call [%v, %v] failed with %v; the kill took [%v, %v] and the channel saw it at %v: only calls in flight then may fail, with Unavailable",
				r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err,
				killStart.Format("15:04:05.000000"), killed.Format("15:04:05.000000"), noticed.Format("15:04:05.000000"))
			continue
		}
		failedInFlight++
	}
	if failedInFlight > workers {
		t.Errorf("%d calls failed, but at most %d were in flight at the kill", failedInFlight, workers)
	}
	after := served(rs)
	t.Logf("%d calls: %s; %d failed in flight at the kill; the channel saw the kill %v after Stop returned", len(rs), summary(rs), failedInFlight, noticed.Sub(killed))
	if after["a"] == 0 || after["c"] == 0 {
		t.Errorf("served by backend: %v, want a and c to keep serving", after)
	}
}

// TestGracefulStopUnderLoad: a round_robin channel over two backends
// under load; one of them stops gracefully (GOAWAY, then waits for its
// calls). No call fails: those in flight there finish, those it never
// processed go to the other backend.
func TestGracefulStopUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	// Calls last 20 ms on the server: GOAWAY finds several in flight.
	lctx := metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "20")
	l := startLoad(lctx, client, workers, callTimeout)
	defer l.stop()
	l.waitFor(t, ctx, "both backends to serve under load", func(rs []result) bool {
		s := served(rs)
		return s["a"] >= 20 && s["b"] >= 20
	})

	stopStart := time.Now()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		b.gracefulStop()
	}()
	select {
	case <-stopped:
	case <-ctx.Done():
		t.Fatal("GracefulStop did not return: calls in flight on it never ended")
	}
	stoppedAt := time.Now()
	t.Logf("GracefulStop ran [%v, %v]", stopStart.Format("15:04:05.000000"), stoppedAt.Format("15:04:05.000000"))
	bHits := b.hits.Load()
	l.waitFor(t, ctx, "100 calls after the graceful stop", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(stoppedAt) && r.err == nil {
				n++
			}
		}
		return n >= 100
	})
	rs := l.stop()
	checkNoHang(t, rs)
	for _, r := range rs {
		if r.err != nil {
			t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
		}
		if r.err == nil && r.backend == "b" && r.start.After(stoppedAt) {
			t.Errorf("a call started after b's GracefulStop returned was served by b")
		}
	}
	if d := b.hits.Load() - bHits; d != 0 {
		t.Errorf("b ran %d calls after its GracefulStop returned", d)
	}
	t.Logf("%d calls: %s", len(rs), summary(rs))
}

// TestGracefulStopFastCalls is TestGracefulStopUnderLoad with calls that
// take no time on the server: GracefulStop then often finds no call in
// flight and the server closes the connection right after its GOAWAY,
// while the client is still opening streams on it. Those calls were
// never processed by the server and must be retried transparently on the
// other backend: none may fail. Several rounds (b restarted each time)
// make the race likely.
func TestGracefulStopFastCalls(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	l := startLoad(ctx, client, workers, callTimeout)
	defer l.stop()
	const rounds = 50
	for round := range rounds {
		if round > 0 {
			b.restart()
		}
		since := time.Now()
		l.waitFor(t, ctx, "b to serve", func(rs []result) bool {
			n := 0
			for _, r := range rs {
				if r.err == nil && r.backend == "b" && r.start.After(since) {
					n++
				}
			}
			return n >= 20
		})
		b.gracefulStop()
	}
	stoppedAt := time.Now()
	l.waitFor(t, ctx, "50 calls after the last graceful stop", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(stoppedAt) {
				n++
			}
		}
		return n >= 50
	})
	rs := l.stop()
	checkNoHang(t, rs)
	failed := 0
	for _, r := range rs {
		if r.err != nil {
			failed++
			if failed <= 5 {
				t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d calls failed over %d graceful stops, want none: %s", failed, len(rs), rounds, summary(rs))
	}
}

// TestGracefulStopLetsStreamsFinish: a bidirectional stream open on a
// backend that stops gracefully goes on exchanging messages after the
// GOAWAY, GracefulStop waits for it, and new calls go to the other
// backend meanwhile.
func TestGracefulStopLetsStreamsFinish(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	// Open streams until one lands on b (round robin: the first or the
	// second).
	var stream echopb.Echo_BidirectionalStreamingEchoClient
	for i := 0; stream == nil; i++ {
		if i == 4 {
			t.Fatal("four streams and none on b")
		}
		s, err := client.BidirectionalStreamingEcho(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(&echopb.EchoRequest{Message: "hello"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Recv(); err != nil {
			t.Fatal(err)
		}
		md, err := s.Header()
		if err != nil {
			t.Fatal(err)
		}
		if v := md.Get(backendHeader); len(v) == 1 && v[0] == "b" {
			stream = s
			continue
		}
		if err := s.CloseSend(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Recv(); err != io.EOF {
			t.Fatalf("stream on a ended with %v, want io.EOF", err)
		}
	}

	srv := b.server()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		b.gracefulStop()
	}()
	// The GOAWAY is out once b's connection says so; nothing else tells.
	waitUntil(t, ctx, "b's connection to send GOAWAY", func() bool {
		for _, info := range srv.Inspect(ctx) {
			if strings.Contains(info.State, ", gone away:") { // its phase: the final GOAWAY is out
				return true
			}
		}
		return false
	})
	for i := range 5 {
		msg := fmt.Sprintf("after goaway %d", i)
		if err := stream.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			t.Fatalf("Send on the draining stream: %v", err)
		}
		resp, err := stream.Recv()
		if err != nil || resp.GetMessage() != msg {
			t.Fatalf("Recv on the draining stream: %q, %v", resp.GetMessage(), err)
		}
	}
	for i := range 10 {
		r := call(ctx, client, callTimeout)
		if r.err != nil || r.backend != "a" {
			t.Fatalf("call %d while b drains: backend %q, err %v; want a", i, r.backend, r.err)
		}
	}
	select {
	case <-stopped:
		t.Fatal("GracefulStop returned while a stream was still open on b")
	default:
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != io.EOF {
		t.Fatalf("the draining stream ended with %v, want io.EOF", err)
	}
	select {
	case <-stopped:
	case <-ctx.Done():
		t.Fatal("GracefulStop did not return once the last stream ended")
	}
}

// retryUnavailable is a service config for round_robin whose retry policy
// retries the echo service's calls that fail with Unavailable.
const retryUnavailable = `{
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "grpc.examples.echo.Echo"}],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.01s",
      "maxBackoff": "0.1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
}`

// TestRetryPolicyHidesBackendKill: TestBackendKilledUnderLoad with a
// retry policy for Unavailable: the calls cut by the kill are retried on
// the other backends, so none fails at all.
func TestRetryPolicyHidesBackendKill(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	c := startBackend(t, "c", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr+","+c.addr, rpc.WithDefaultServiceConfig(retryUnavailable))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b", "c")

	l := startLoad(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "2"), client, workers, callTimeout)
	defer l.stop()
	l.waitFor(t, ctx, "every backend to serve under load", func(rs []result) bool {
		s := served(rs)
		return s["a"] >= 20 && s["b"] >= 20 && s["c"] >= 20
	})
	hitsBefore := a.hits.Load() + b.hits.Load() + c.hits.Load()
	b.kill()
	killed := time.Now()
	l.waitFor(t, ctx, "100 calls after the kill", func(rs []result) bool {
		n := 0
		for _, r := range rs {
			if r.start.After(killed) && r.err == nil {
				n++
			}
		}
		return n >= 100
	})
	rs := l.stop()
	checkNoHang(t, rs)
	for _, r := range rs {
		if r.err != nil {
			t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
		}
	}
	t.Logf("%d calls: %s; the servers ran %d calls", len(rs), summary(rs), a.hits.Load()+b.hits.Load()+c.hits.Load()-hitsBefore)
}
