package chaos

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

// burst starts n calls at once, kinds in turn, and returns how each ended.
func burst(t *testing.T, client echopb.EchoClient, seed int64, n int, deadline time.Duration) []callResult {
	results := make([]callResult, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
		spec := newCall(r, fmt.Sprintf("b%d", i), callKind(i%int(numKinds)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = watch(t, client, spec, deadline)
		}()
	}
	close(start)
	wg.Wait()
	return results
}

// TestGoAwayRefusedStreamsRetried: the proxy keeps every stream after
// the k-th request of a connection from the server, and once a few have
// come sends the client GOAWAY (NO_ERROR, last stream = the k-th), as a
// server that stopped taking streams would. The client knows those streams were never
// processed (RFC 9113 6.8, A6), so:
//   - a unary or server-streaming call among them must succeed, seen by
//     the server exactly once: by the one transparent retry alone when
//     only one connection goes away and there is no retry policy, and with
//     the retry policy taking over when the next connections go away too;
//   - a client or bidi stream among them is replayed from its replay
//     buffer (what it sent, and its CloseSend) on the new attempt, as
//     grpc-go does: it too succeeds, seen once.
func TestGoAwayRefusedStreamsRetried(t *testing.T) {
	for _, tc := range []struct {
		name    string
		goAways []int // endK of the first connections; the later ones are clean
		hold    int   // endHold of each
		config  string
		calls   int
	}{
		{name: "TransparentOnly", goAways: []int{2}, hold: 4, config: "", calls: 24},
		{name: "WithPolicy", goAways: []int{2, 3, 1}, hold: 2, config: retryConfig, calls: 24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, backend := serveCounting(t)
			p := startProxy(t, backend, func(n int) plan {
				if n < len(tc.goAways) {
					return plan{end: endGoAway, endK: tc.goAways[n], endHold: tc.hold}
				}
				return plan{}
			})
			opts := []rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}
			if tc.config != "" {
				opts = append(opts, rpc.WithDefaultServiceConfig(tc.config))
			}
			cc, err := rpc.NewClient("passthrough:///"+p.addr(), opts...)
			if err != nil {
				t.Fatal(err)
			}
			results := burst(t, echopb.NewEchoClient(cc), 1, tc.calls, 5*time.Second)
			cc.Close()
			p.close()

			refusedCalls, outcomes := 0, map[string]int{}
			for _, r := range results {
				attempts := p.obs.of(r.spec.id)
				refused := 0
				for _, a := range attempts {
					if a.refused {
						refused++
					}
				}
				if refused > 0 {
					refusedCalls++
					outcomes[fmt.Sprintf("%v %v", r.spec.kind, r.code())]++
				}
				seen := e.count(r.spec.id)
				if r.wrong != "" {
					t.Errorf("%v call %s: wrong message: %s", r.spec.kind, r.spec.id, r.wrong)
				}
				if r.err != nil || seen != 1 {
					t.Errorf("%v call %s (attempts %+v) ended %v, seen %d times by the server; want OK, seen once", r.spec.kind, r.spec.id, attempts, r.err, seen)
				}
			}
			if refusedCalls < tc.hold {
				t.Errorf("%d calls went above a GOAWAY's last stream, want at least %d (plans %q)", refusedCalls, tc.hold, p.plans())
			}
			t.Logf("%d of %d calls had a stream above GOAWAY's last stream id, and ended %v; plans %q", refusedCalls, len(results), sorted(outcomes), p.plans())
		})
	}
}
