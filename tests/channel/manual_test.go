package channel

import (
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/manual"
)

func stateOf(bs ...*backend) resolver.State {
	var s resolver.State
	for _, b := range bs {
		s.Addresses = append(s.Addresses, resolver.Address{Addr: b.addr})
	}
	return s
}

// TestManualResolverSwapsBackendsUnderLoad: round_robin under load from 8
// goroutines while the resolver swaps the backend set: {A,B}, then {C},
// then {A}, then {B,C}. Every backend stays up, so the swaps are graceful:
// no call fails, and once a backend of a new set has served a call, every
// call that starts afterwards is served by the new set (each set is
// disjoint from the one before, so the picker that holds the first new
// backend no longer holds any old one).
func TestManualResolverSwapsBackendsUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "A", "tcp", "127.0.0.1:0")
	b := startBackend(t, "B", "tcp", "127.0.0.1:0")
	c := startBackend(t, "C", "tcp", "127.0.0.1:0")
	r := manual.NewBuilderWithScheme("swap")
	r.InitialState(stateOf(a, b))
	cc, client := newClient(t, "swap:///backends", rpc.WithResolvers(r), rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "A", "B")

	// Calls take 5 ms on the server, so that every swap finds calls in
	// flight on the backends it removes.
	l := startLoad(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "5"), client, workers, callTimeout)
	defer l.stop()

	steps := [][]*backend{{c}, {a}, {b, c}}
	for _, set := range steps {
		names := map[string]bool{}
		for _, be := range set {
			names[be.name] = true
		}
		swapped := time.Now()
		r.UpdateState(stateOf(set...))

		// The first call served by the new set.
		var switched time.Time
		l.waitFor(t, ctx, "a call served by the new set "+setName(set), func(rs []result) bool {
			for _, r := range rs {
				if r.err == nil && r.start.After(swapped) && names[r.backend] {
					switched = r.end
					return true
				}
			}
			return false
		})
		// Then 100 calls started after it, all on the new set, and every
		// backend of the set serving.
		l.waitFor(t, ctx, "100 calls on "+setName(set), func(rs []result) bool {
			n := 0
			seen := map[string]bool{}
			for _, r := range rs {
				if r.start.After(switched) {
					n++
					seen[r.backend] = true
				}
			}
			return n >= 100 && len(seen) >= len(set)
		})
		for _, r := range l.snapshot() {
			if r.start.After(switched) && r.err == nil && !names[r.backend] {
				t.Errorf("after the swap to %s a call was served by %s", setName(set), r.backend)
			}
		}
	}
	rs := l.stop()
	checkNoHang(t, rs)
	failed := 0
	for _, r := range rs {
		if r.err != nil {
			if failed++; failed <= 5 {
				t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d calls failed while the backends were swapped, want none", failed, len(rs))
	}
	t.Logf("%d calls: %s", len(rs), summary(rs))
}

func setName(set []*backend) string {
	s := "{"
	for i, b := range set {
		if i > 0 {
			s += ","
		}
		s += b.name
	}
	return s + "}"
}

// TestManualResolverSwapsPickFirstUnderLoad: swaps with pick_first, and
// no call fails: {A,B} -> {C,A} stays on A (the READY backend is still
// listed: pick_first is sticky); -> {B} moves to B; -> {C,A} moves to C,
// the first listed, as nothing READY is kept.
func TestManualResolverSwapsPickFirstUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "A", "tcp", "127.0.0.1:0")
	b := startBackend(t, "B", "tcp", "127.0.0.1:0")
	c := startBackend(t, "C", "tcp", "127.0.0.1:0")
	r := manual.NewBuilderWithScheme("swap")
	r.InitialState(stateOf(a, b))
	cc, client := newClient(t, "swap:///backends", rpc.WithResolvers(r))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "A")

	l := startLoad(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "5"), client, workers, callTimeout)
	defer l.stop()
	for _, step := range []struct {
		set  []*backend
		want string
	}{{[]*backend{c, a}, "A"}, {[]*backend{b}, "B"}, {[]*backend{c, a}, "C"}} {
		set, first := step.set, step.want
		swapped := time.Now()
		r.UpdateState(stateOf(set...))
		var switched time.Time
		l.waitFor(t, ctx, "a call served by "+first, func(rs []result) bool {
			for _, r := range rs {
				if r.err == nil && r.start.After(swapped) && r.backend == first {
					switched = r.end
					return true
				}
			}
			return false
		})
		l.waitFor(t, ctx, "50 calls after the swap to "+setName(set), func(rs []result) bool {
			n := 0
			for _, r := range rs {
				if r.start.After(switched) {
					n++
				}
			}
			return n >= 50
		})
		for _, r := range l.snapshot() {
			if r.start.After(switched) && r.err == nil && r.backend != first {
				t.Errorf("after the swap to %s a call was served by %s, want %s", setName(set), r.backend, first)
			}
		}
	}
	rs := l.stop()
	checkNoHang(t, rs)
	for _, r := range rs {
		if r.err != nil {
			t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
		}
	}
	t.Logf("%d calls: %s", len(rs), summary(rs))
}

// TestManualResolverEmptyUpdate: a resolver update with no address makes
// the channel fail calls that do not wait for ready, with Unavailable;
// wait-for-ready calls wait, and the next update with an address serves
// them.
func TestManualResolverEmptyUpdate(t *testing.T) {
	for _, policy := range []string{"pick_first", "round_robin"} {
		t.Run(policy, func(t *testing.T) {
			ctx := testContext(t, 20*time.Second)
			a := startBackend(t, "A", "tcp", "127.0.0.1:0")
			r := manual.NewBuilderWithScheme("empty")
			r.InitialState(stateOf(a))
			cc, client := newClient(t, "empty:///x", rpc.WithResolvers(r),
				rpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"`+policy+`":{}}]}`))
			waitSeen(t, ctx, client, "A")

			r.UpdateState(resolver.State{})
			waitForState(t, ctx, cc, connectivity.TransientFailure)
			res := call(ctx, client, callTimeout)
			if res.code() != codes.Unavailable {
				t.Fatalf("call with no address: %v, want Unavailable", res.err)
			}
			waiting := make(chan result, 1)
			go func() { waiting <- call(ctx, client, 10*time.Second, rpc.WaitForReady(true)) }()
			waitUntil(t, ctx, "the wait-for-ready call to wait", func() bool { return inspectWaiting(ctx, cc) == 1 })

			r.UpdateState(stateOf(a))
			select {
			case res := <-waiting:
				if res.err != nil || res.backend != "A" {
					t.Fatalf("the waiting call: backend %q, err %v", res.backend, res.err)
				}
			case <-ctx.Done():
				t.Fatal("the waiting call did not end")
			}
		})
	}
}

// TestServiceConfigSwitchesBalancerUnderLoad: the resolver's service
// config moves the channel from pick_first to round_robin and back while
// calls run: none fails, and each policy's spread shows (round_robin uses
// both backends, pick_first only the first).
func TestServiceConfigSwitchesBalancerUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "A", "tcp", "127.0.0.1:0")
	b := startBackend(t, "B", "tcp", "127.0.0.1:0")
	r := manual.NewBuilderWithScheme("policy")
	r.InitialState(stateOf(a, b))
	cc, client := newClient(t, "policy:///x", rpc.WithResolvers(r))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "A")

	l := startLoad(metadata.AppendToOutgoingContext(ctx, echoserver.DelayKey, "2"), client, workers, callTimeout)
	defer l.stop()
	withConfig := func(js string) resolver.State {
		s := stateOf(a, b)
		s.ServiceConfig = js
		return s
	}
	calls := func(since time.Time) map[string]int {
		by := map[string]int{}
		for _, r := range l.snapshot() {
			if r.err == nil && r.start.After(since) {
				by[r.backend]++
			}
		}
		return by
	}

	// The channel applies the resolver's update on its own time; its
	// Inspect tells which policy is in force (nothing signals it).
	switchTo := func(policy, js string) time.Time {
		r.UpdateState(withConfig(js))
		waitUntil(t, ctx, "the channel to run "+policy, func() bool {
			return strings.Contains(cc.Inspect(ctx).State, "lb="+policy+" ")
		})
		return time.Now()
	}

	rr := switchTo("round_robin", roundRobin)
	l.waitFor(t, ctx, "round_robin to use both backends", func([]result) bool {
		by := calls(rr)
		return by["A"] >= 20 && by["B"] >= 20
	})
	pf := switchTo("pick_first", `{"loadBalancingConfig":[{"pick_first":{}}]}`)
	l.waitFor(t, ctx, "100 calls under pick_first", func([]result) bool { return calls(pf)["A"] >= 100 })
	if by := calls(pf); by["B"] != 0 {
		t.Errorf("under pick_first, calls went %v; want A only", by)
	}
	rs := l.stop()
	checkNoHang(t, rs)
	for _, r := range rs {
		if r.err != nil {
			t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
		}
	}
	t.Logf("%d calls: %s", len(rs), summary(rs))
}
