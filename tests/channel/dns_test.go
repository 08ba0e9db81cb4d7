package channel

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/resolver/dns"
	"github.com/actorpc/actorpc/rpc/status"
)

// fakeDNS answers lookups of one host with the address the test sets, and
// counts them.
type fakeDNS struct {
	host string

	mu      sync.Mutex
	answer  string
	lookups []time.Time
}

func (f *fakeDNS) lookup(_ context.Context, host string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if host != f.host {
		return nil, fmt.Errorf("fake DNS: no such host %q", host)
	}
	f.lookups = append(f.lookups, time.Now())
	return []string{f.answer}, nil
}

func (f *fakeDNS) set(answer string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer = answer
}

// since counts the lookups made after t.
func (f *fakeDNS) since(t time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, at := range f.lookups {
		if at.After(t) {
			n++
		}
	}
	return n
}

// twoLoopbackBackends serves the echo service on 127.0.0.1:P and
// 127.0.0.2:P for one port P (all of 127/8 is loopback on Linux).
func twoLoopbackBackends(t *testing.T) (one, two *backend, port string) {
	t.Helper()
	for range 20 {
		one = startBackend(t, "one", "tcp", "127.0.0.1:0")
		_, port, _ = net.SplitHostPort(one.addr)
		lis, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", port))
		if err != nil {
			one.stop() // the port is taken on 127.0.0.2: try another
			continue
		}
		lis.Close()
		two = startBackend(t, "two", "tcp", net.JoinHostPort("127.0.0.2", port))
		return one, two, port
	}
	t.Skip("no port free on both 127.0.0.1 and 127.0.0.2")
	return nil, nil, ""
}

// TestDNSReresolvesAfterFailure: a dns target whose lookup the test
// answers. The backend at the first answer dies and the name moves to a
// second address: the channel's failure makes the resolver look the name
// up again (no sooner than its minimum interval), and calls recover on
// the second backend.
func TestDNSReresolvesAfterFailure(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	one, _, port := twoLoopbackBackends(t)
	fake := &fakeDNS{host: "backend.test", answer: "127.0.0.1"}
	const interval = 100 * time.Millisecond
	_, client := newClient(t, "dns:///backend.test:"+port,
		rpc.WithResolvers(dns.NewBuilder(dns.WithLookup(fake.lookup), dns.WithMinResolutionInterval(interval))))

	start := time.Now()
	for i := range 5 {
		r := call(ctx, client, callTimeout)
		if r.err != nil || r.backend != "one" {
			t.Fatalf("call %d: backend %q, err %v; want one", i, r.backend, r.err)
		}
	}
	if n := fake.since(start); n != 1 {
		t.Errorf("%d lookups before any failure, want 1", n)
	}

	killed := time.Now()
	one.kill()
	fake.set("127.0.0.2")

	var last result
	for {
		if ctx.Err() != nil {
			t.Fatalf("calls never reached the second address (last: backend %q, err %v; %d lookups since the kill)", last.backend, last.err, fake.since(killed))
		}
		last = call(ctx, client, time.Second, rpc.WaitForReady(true))
		if last.err == nil && last.backend == "two" {
			break
		}
	}
	recovered := time.Since(killed)
	n := fake.since(killed)
	if n < 1 {
		t.Errorf("calls recovered on the second address with no lookup since the kill")
	}
	// The minimum interval bounds the lookups: one per interval at most,
	// plus the one the failure allowed at once.
	if limit := int(recovered/interval) + 2; n > limit {
		t.Errorf("%d lookups in the %v after the kill, want at most %d (one per %v)", n, recovered, limit, interval)
	}
	t.Logf("recovered on the second address %v after the kill, with %d lookups", recovered, n)
	for i := range 10 {
		r := call(ctx, client, callTimeout)
		if r.err != nil || r.backend != "two" {
			t.Fatalf("call %d after recovery: backend %q, err %v; want two", i, r.backend, r.err)
		}
	}
}

// TestDNSLookupFailureRetried: the first lookups fail. A call that does
// not wait for ready fails with Unavailable naming the DNS error; a
// wait-for-ready call waits while the resolver retries on its own (the
// channel has no backend to fail and ask it), and is served once a lookup
// succeeds.
func TestDNSLookupFailureRetried(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(be.addr)
	var mu sync.Mutex
	failuresLeft, lookups := 3, 0
	lookup := func(_ context.Context, host string) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		lookups++
		if failuresLeft > 0 {
			failuresLeft--
			return nil, fmt.Errorf("fake DNS: SERVFAIL for %s", host)
		}
		return []string{"127.0.0.1"}, nil
	}
	const interval = 100 * time.Millisecond
	_, client := newClient(t, "dns:///flaky.test:"+port,
		rpc.WithResolvers(dns.NewBuilder(dns.WithLookup(lookup), dns.WithMinResolutionInterval(interval))))

	r := call(ctx, client, callTimeout)
	if r.code() != codes.Unavailable || !strings.Contains(status.Convert(r.err).Message(), "SERVFAIL") {
		t.Fatalf("call while the lookup fails: %v, want Unavailable naming the DNS error", r.err)
	}
	r = call(ctx, client, 10*time.Second, rpc.WaitForReady(true))
	if r.err != nil || r.backend != "a" {
		t.Fatalf("wait-for-ready call: backend %q, err %v; want it served once a lookup succeeds", r.backend, r.err)
	}
	mu.Lock()
	defer mu.Unlock()
	if failuresLeft != 0 || lookups != 4 {
		t.Errorf("%d lookups with %d failures left, want 4 lookups (3 failed, then 1 good)", lookups, failuresLeft)
	}
}
