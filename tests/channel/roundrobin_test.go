package channel

import (
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// TestRoundRobinSpreadsEvenly: once all three backends are READY, 300
// sequential calls go 100 to each, in a fixed rotation (round robin over
// a stable READY set is exact; only its starting point is random).
func TestRoundRobinSpreadsEvenly(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	c := startBackend(t, "c", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr+","+c.addr, rpc.WithDefaultServiceConfig(roundRobin))

	if s := cc.GetState(); s != connectivity.Idle {
		t.Fatalf("state before any call = %v, want IDLE", s)
	}
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	// READY needs one backend only; every backend serving a call means
	// the picker holds all three (none of them fails meanwhile).
	waitSeen(t, ctx, client, "a", "b", "c")

	const n = 300
	before := map[string]int64{"a": a.hits.Load(), "b": b.hits.Load(), "c": c.hits.Load()}
	seq := make([]string, 0, n)
	for i := range n {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		seq = append(seq, r.backend)
	}
	got := map[string]int{}
	for _, s := range seq {
		got[s]++
	}
	for _, name := range []string{"a", "b", "c"} {
		if got[name] != n/3 {
			t.Errorf("backend %s served %d of %d calls, want exactly %d (all: %v)", name, got[name], n, n/3, got)
		}
	}
	// The servers agree with the headers.
	for name, be := range map[string]*backend{"a": a, "b": b, "c": c} {
		if d := be.hits.Load() - before[name]; d != int64(got[name]) {
			t.Errorf("backend %s counted %d calls, the client saw it serve %d", name, d, got[name])
		}
	}
	// A rotation: each call goes where the call three before it went,
	// and three in a row are three different backends.
	for i := 3; i < n; i++ {
		if seq[i] != seq[i-3] {
			t.Fatalf("call %d went to %s, call %d to %s: not a rotation (%v)", i, seq[i], i-3, seq[i-3], seq[max(0, i-6):i+1])
		}
	}
	if seq[0] == seq[1] || seq[1] == seq[2] || seq[0] == seq[2] {
		t.Errorf("the first three calls went to %v, want three different backends", seq[:3])
	}
	if s := cc.GetState(); s != connectivity.Ready {
		t.Errorf("state after the calls = %v, want READY", s)
	}
}

// TestRoundRobinSkipsDeadBackend: round_robin over {a, dead, b}, where
// dead refuses every connection: calls that do not wait for ready never
// fail (the dead backend is not in the picker) and go half to a, half to
// b; the dead backend keeps being retried without disturbing them.
func TestRoundRobinSkipsDeadBackend(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	dead := refusingAddr(t)
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+dead+","+b.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	got := map[string]int{}
	for i := range 200 {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		got[r.backend]++
	}
	if got["a"] != 100 || got["b"] != 100 {
		t.Errorf("200 calls went %v, want 100 to a and 100 to b", got)
	}
	if s := cc.GetState(); s != connectivity.Ready {
		t.Errorf("state = %v, want READY (one backend failing does not fail the channel)", s)
	}
}

// TestRoundRobinAllDownThenBack: when every backend is gone the channel
// goes TRANSIENT_FAILURE and fails calls fast with Unavailable; when the
// backends come back on their addresses it becomes READY and spreads
// calls over all of them again.
func TestRoundRobinAllDownThenBack(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0")
	b := startBackend(t, "b", "tcp", "127.0.0.1:0")
	cc, client := newClient(t, "static:///"+a.addr+","+b.addr, rpc.WithDefaultServiceConfig(roundRobin))
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")

	a.kill()
	b.kill()
	waitForState(t, ctx, cc, connectivity.TransientFailure)
	r := call(ctx, client, callTimeout)
	if r.code() != codes.Unavailable || r.end.Sub(r.start) > time.Second {
		t.Errorf("call with every backend down: %v after %v, want Unavailable at once", r.err, r.end.Sub(r.start))
	}

	a.restart()
	b.restart()
	waitForState(t, ctx, cc, connectivity.Ready)
	waitSeen(t, ctx, client, "a", "b")
	got := map[string]int{}
	for i := range 100 {
		r := call(ctx, client, callTimeout)
		if r.err != nil {
			t.Fatalf("call %d after the backends came back: %v", i, r.err)
		}
		got[r.backend]++
	}
	if got["a"] != 50 || got["b"] != 50 {
		t.Errorf("100 calls went %v, want 50 each", got)
	}
}
