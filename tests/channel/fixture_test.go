package channel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// backendHeader is the response header naming the backend that served a
// call.
const backendHeader = "x-backend"

// roundRobin is the default service config that selects round_robin.
const roundRobin = `{"loadBalancingConfig":[{"round_robin":{}}]}`

// backend is one echo server on a fixed address that a test can kill and
// bring back on the same address.
type backend struct {
	t       *testing.T
	name    string
	network string // "tcp" or "unix"
	addr    string // host:port, or a socket path
	opts    []rpc.ServerOption

	mu     sync.Mutex
	srv    *rpc.Server
	served chan error
	// hits counts the unary calls this backend's servers have run (all
	// generations).
	hits atomic.Int64
	// streams counts the streaming calls likewise.
	streams atomic.Int64
}

// server is the backend's current server (nil once stopped).
func (b *backend) server() *rpc.Server {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.srv
}

// startBackend serves the echo service on addr ("127.0.0.1:0" picks a
// port); the server is stopped when the test ends.
func startBackend(t *testing.T, name, network, addr string, opts ...rpc.ServerOption) *backend {
	t.Helper()
	b := &backend{t: t, name: name, network: network, addr: addr, opts: opts}
	lis, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("backend %s: listen %s %s: %v", name, network, addr, err)
	}
	b.addr = lis.Addr().String()
	b.serve(lis)
	t.Cleanup(b.stop)
	return b
}

func (b *backend) serve(lis net.Listener) {
	srv := rpc.NewServer(append([]rpc.ServerOption{rpc.UnaryInterceptor(func(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		b.hits.Add(1)
		if err := rpc.SetHeader(ctx, metadata.Pairs(backendHeader, b.name)); err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}), rpc.StreamInterceptor(func(srv any, ss rpc.ServerStream, _ *rpc.StreamServerInfo, handler rpc.StreamHandler) error {
		b.streams.Add(1)
		if err := ss.SetHeader(metadata.Pairs(backendHeader, b.name)); err != nil {
			return err
		}
		return handler(srv, ss)
	})}, b.opts...)...)
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	b.mu.Lock()
	b.srv, b.served = srv, served
	b.mu.Unlock()
}

// kill stops the server at once: its listener closes (connections are
// refused from now on) and its connections are cut, failing the calls in
// flight there.
func (b *backend) kill() { b.end(false) }

// gracefulStop sends GOAWAY and waits for the calls in flight to end.
func (b *backend) gracefulStop() { b.end(true) }

func (b *backend) stop() { b.end(false) }

func (b *backend) end(graceful bool) {
	b.mu.Lock()
	srv, served := b.srv, b.served
	b.srv, b.served = nil, nil
	b.mu.Unlock()
	if srv == nil {
		return
	}
	if graceful {
		srv.GracefulStop()
	} else {
		srv.Stop()
	}
	select {
	case err := <-served:
		// ErrServerStopped: Stop came before Serve took the listener (as
		// grpc-go's Serve after Stop).
		if err != nil && !errors.Is(err, rpc.ErrServerStopped) {
			b.t.Errorf("backend %s: Serve returned %v after Stop, want nil", b.name, err)
		}
	case <-time.After(10 * time.Second):
		b.t.Errorf("backend %s: Serve did not return within 10s of Stop", b.name)
	}
}

// restart serves again on the same address (after kill).
func (b *backend) restart() {
	b.t.Helper()
	// The port was ours a moment ago (and Go listeners set SO_REUSEADDR):
	// only another process grabbing it in between could make this fail.
	lis, err := net.Listen(b.network, b.addr)
	if err != nil {
		b.t.Fatalf("backend %s: listen again on %s: %v", b.name, b.addr, err)
	}
	b.serve(lis)
}

// refusingAddr is a loopback address where nothing listens: a port that
// was bound and released, so a dial is refused at once.
func refusingAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}

// fastReconnect is the connection backoff of every test client, so that
// reconnection takes a fraction of a second.
func fastReconnect() rpc.DialOption {
	return rpc.WithConnectParams(rpc.ConnectParams{
		Backoff:           backoff.Config{BaseDelay: 50 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 500 * time.Millisecond},
		MinConnectTimeout: time.Second,
	})
}

// newClient makes a client with fastReconnect and closes it when the test
// ends.
func newClient(t *testing.T, target string, opts ...rpc.DialOption) (*rpc.ClientConn, echopb.EchoClient) {
	t.Helper()
	cc, err := rpc.NewClient(target, append([]rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials()), fastReconnect()}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient(%q): %v", target, err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc, echopb.NewEchoClient(cc)
}

// testContext bounds a whole test, so that a hang fails it instead of CI.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// callTimeout is the deadline of each call of the tests.
const callTimeout = 3 * time.Second

// result is how one call ended.
type result struct {
	backend    string // the x-backend header; "" if none came
	err        error
	start, end time.Time
	deadline   time.Time
}

func (r result) code() codes.Code { return status.Code(r.err) }

// call makes one unary echo call bounded by timeout (and parent) and
// says which backend served it.
func call(parent context.Context, client echopb.EchoClient, timeout time.Duration, opts ...rpc.CallOption) result {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var md metadata.MD
	r := result{start: time.Now(), deadline: deadline}
	// A fresh slice: opts may be shared by the goroutines of a load.
	opts = append(append([]rpc.CallOption(nil), opts...), rpc.Header(&md))
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "ping"}, opts...)
	r.end = time.Now()
	r.err = err
	if v := md.Get(backendHeader); len(v) > 0 {
		r.backend = v[0]
	}
	if err == nil && resp.GetMessage() != "ping" {
		r.err = fmt.Errorf("echo answered %q, want %q", resp.GetMessage(), "ping")
	}
	if err == nil && r.backend == "" {
		r.err = errors.New("the response carries no " + backendHeader + " header")
	}
	return r
}

// waitForState waits until cc is in want, failing the test if ctx ends
// first.
func waitForState(t *testing.T, ctx context.Context, cc *rpc.ClientConn, want connectivity.State) {
	t.Helper()
	for {
		s := cc.GetState()
		if s == want {
			return
		}
		if !cc.WaitForStateChange(ctx, s) {
			t.Fatalf("the channel stayed %v, waiting for %v: %v", s, want, ctx.Err())
		}
	}
}

// waitSeen calls until every named backend has served a call (failures
// are tolerated while waiting) or ctx ends.
func waitSeen(t *testing.T, ctx context.Context, client echopb.EchoClient, names ...string) {
	t.Helper()
	missing := map[string]bool{}
	for _, n := range names {
		missing[n] = true
	}
	var last result
	for len(missing) > 0 {
		if ctx.Err() != nil {
			t.Fatalf("backends %v never served a call (last call: backend %q, err %v)", keys(missing), last.backend, last.err)
		}
		last = call(ctx, client, callTimeout, rpc.WaitForReady(true))
		if last.err == nil {
			delete(missing, last.backend)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// load runs workers goroutines that call in a loop until stop is
// called, recording every call.
type load struct {
	mu      sync.Mutex
	results []result
	// newResult has room for one: a signal that results were added since
	// waitFor last looked.
	newResult chan struct{}

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startLoad(ctx context.Context, client echopb.EchoClient, workers int, timeout time.Duration, opts ...rpc.CallOption) *load {
	ctx, cancel := context.WithCancel(ctx)
	l := &load{cancel: cancel, newResult: make(chan struct{}, 1)}
	// Calls carry ctx's values (metadata) but not its end: stopping the
	// load lets the calls in flight finish.
	callCtx := context.WithoutCancel(ctx)
	for range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for ctx.Err() == nil {
				r := call(callCtx, client, timeout, opts...)
				l.mu.Lock()
				l.results = append(l.results, r)
				l.mu.Unlock()
				select {
				case l.newResult <- struct{}{}:
				default:
				}
			}
		}()
	}
	return l
}

// stop ends the load and waits for its workers.
func (l *load) stop() []result {
	l.cancel()
	l.wg.Wait()
	return l.snapshot()
}

func (l *load) snapshot() []result {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]result(nil), l.results...)
}

// waitFor waits until cond holds for the results so far, failing the test
// when ctx ends first.
func (l *load) waitFor(t *testing.T, ctx context.Context, what string, cond func([]result) bool) {
	t.Helper()
	for {
		if cond(l.snapshot()) {
			return
		}
		select {
		case <-l.newResult:
		case <-ctx.Done():
			rs := l.snapshot()
			t.Fatalf("waiting for %s: %v; %d calls made, %s", what, ctx.Err(), len(rs), summary(rs))
		}
	}
}

// summary counts results by backend and by error code.
func summary(rs []result) string {
	by := map[string]int{}
	for _, r := range rs {
		if r.err != nil {
			by["error "+r.code().String()]++
		} else {
			by[r.backend]++
		}
	}
	return fmt.Sprint(by)
}

// served counts the successful results by backend.
func served(rs []result) map[string]int {
	by := map[string]int{}
	for _, r := range rs {
		if r.err == nil {
			by[r.backend]++
		}
	}
	return by
}

// checkNoHang fails for every call that did not return before its
// deadline (with a little slack for scheduling) or that ended with
// DeadlineExceeded: under these loads no call may need its deadline.
func checkNoHang(t *testing.T, rs []result) {
	t.Helper()
	for _, r := range rs {
		if r.code() == codes.DeadlineExceeded || r.end.After(r.deadline.Add(100*time.Millisecond)) {
			t.Errorf("a call started at %v ran %v and ended with %v: it hung until its deadline",
				r.start.Format("15:04:05.000"), r.end.Sub(r.start), r.err)
		}
	}
}

// inspectWaiting is how many calls the channel actor holds waiting for a
// pick, read from its Inspect description ("... waiting=N").
func inspectWaiting(ctx context.Context, cc *rpc.ClientConn) int {
	s := cc.Inspect(ctx).State
	i := strings.LastIndex(s, "waiting=")
	if i < 0 {
		return -1
	}
	var n int
	if _, err := fmt.Sscanf(s[i:], "waiting=%d", &n); err != nil {
		return -1
	}
	return n
}

// waitUntil polls cond until it holds or ctx ends; for conditions
// nothing signals (what an actor's Inspect shows).
func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}
