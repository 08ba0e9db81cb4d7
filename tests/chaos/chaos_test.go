package chaos

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

// chaosSeed is CHAOS_SEED, or a fresh seed; the test logs it.
func chaosSeed(t *testing.T) int64 {
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		seed, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED=%q: %v", v, err)
		}
		return seed
	}
	return time.Now().UnixNano()
}

// dialProxy makes a client of the proxy, with the retry policy.
func dialProxy(t *testing.T, p *proxy, opts ...rpc.DialOption) *rpc.ClientConn {
	t.Helper()
	opts = append([]rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials()), rpc.WithDefaultServiceConfig(retryConfig)}, opts...)
	cc, err := rpc.NewClient("passthrough:///"+p.addr(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cc
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestChaos runs all four kinds of call from 8 workers for a few seconds
// through a proxy that gives each connection a fault drawn from the seed
// (see randomPlan; every connection is eventually closed, reset, stalled
// past the deadlines or sent GOAWAY). It checks the rules every call must
// keep whatever the fault:
//   - it ends within its deadline plus hangSlack;
//   - OK comes with exactly the responses its requests ask for; no call,
//     whatever its status, ever receives a response that is not its own;
//   - a failure is Unavailable (a connection lost, no retry left or none
//     allowed) or DeadlineExceeded (a stall or delay outlasted the
//     deadline): nothing else, as the proxy never corrupts bytes;
//   - an OK call was seen by the server; the server saw no call more often
//     than the proxy let its attempts through (a proxy self-check), and a
//     client or bidi stream at most once, as those are never replayed.
//
// The rule that a call the client knows the server never saw must succeed
// is checked exactly by TestGoAwayRefusedStreamsRetried and
// TestQueuedCallsOnDroppedConnRetried; here the client mostly cannot
// know (bytes written, then the connection lost) and the calls rely on
// the retry policy, whose attempts may run out.
func TestChaos(t *testing.T) {
	seed := chaosSeed(t)
	t.Logf("chaos seed %d (replay: CHAOS_SEED=%d go test -race -run 'TestChaos$' ./tests/chaos)", seed, seed)
	const (
		workers  = 8
		run      = 4 * time.Second
		deadline = time.Second
	)
	before := heapInUse()
	e, backend := serveCounting(t)
	p := startProxy(t, backend, func(n int) plan { return randomPlan(seed, n, deadline+deadline/2) })
	cc := dialProxy(t, p)
	client := echopb.NewEchoClient(cc)

	var (
		mu      sync.Mutex
		results []callResult
		wg      sync.WaitGroup
	)
	stop := time.Now().Add(run)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(seed), uint64(1000+w)))
			for i := 0; time.Now().Before(stop); i++ {
				spec := newCall(r, fmt.Sprintf("w%d-%d", w, i), callKind((w+i)%int(numKinds)))
				res := watch(t, client, spec, deadline)
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	cc.Close()
	p.close()

	byOutcome := map[string]int{}
	unseenFailures := 0
	for _, r := range results {
		code := r.code()
		byOutcome[fmt.Sprintf("%v %v", r.spec.kind, code)]++
		if r.wrong != "" {
			t.Errorf("%v call %s (ended %v): wrong message: %s", r.spec.kind, r.spec.id, r.err, r.wrong)
		}
		switch code {
		case codes.OK, codes.Unavailable, codes.DeadlineExceeded:
		default:
			t.Errorf("%v call %s ended %v, want OK, Unavailable or DeadlineExceeded", r.spec.kind, r.spec.id, r.err)
		}
		seen := e.count(r.spec.id)
		attempts := p.obs.of(r.spec.id)
		through := 0
		for _, a := range attempts {
			if !a.refused {
				through++
			}
		}
		if code == codes.OK && seen == 0 {
			t.Errorf("%v call %s ended OK, but the server never saw it", r.spec.kind, r.spec.id)
		}
		if seen > through {
			t.Errorf("%v call %s: the server saw it %d times, the proxy let %d attempts through (%+v)", r.spec.kind, r.spec.id, seen, through, attempts)
		}
		if code != codes.OK && seen == 0 {
			unseenFailures++
		}
	}
	if len(results) < 30 {
		t.Errorf("only %d calls in %v: the load did not run", len(results), run)
	}
	plans := p.plans()
	t.Logf("%d calls over %d connections; %d failed calls the server never saw; outcomes %v", len(results), len(plans), unseenFailures, sorted(byOutcome))
	for i, s := range plans {
		t.Logf("conn %d: %s", i, s)
	}
	if grown := int64(heapInUse()) - int64(before); grown > 32<<20 {
		t.Errorf("the heap grew by %d MiB over the run, want under 32 MiB", grown>>20)
	}
}

func sorted(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s: %d", k, v))
	}
	sort.Strings(out)
	return out
}
