package manual_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
	"github.com/actorpc/actorpc/rpc/resolver/manual"
)

func state(addrs ...string) resolver.State {
	s := resolver.State{}
	for _, a := range addrs {
		s.Addresses = append(s.Addresses, resolver.Address{Addr: a})
	}
	return s
}

func target(t *testing.T, r *manual.Resolver) resolver.Target {
	t.Helper()
	tg, err := resolver.ParseTarget(r.Scheme()+":///svc", func(s string) bool { return s == r.Scheme() })
	require.NoError(t, err)
	return tg
}

func build(t *testing.T, r *manual.Resolver, cc resolver.ClientConn) {
	t.Helper()
	got, err := r.Build(target(t, r), cc, resolver.BuildOptions{})
	require.NoError(t, err)
	require.Same(t, r, got)
	t.Cleanup(r.Close)
}

func TestBuildPushesInitialStateThenForwards(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	assert.Equal(t, "test", r.Scheme())
	r.InitialState(state("a:1"))
	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	// Build pushed it before returning.
	assert.Equal(t, state("a:1"), cc.PendingState(t))

	boom := errors.New("boom")
	r.UpdateState(state("b:2", "c:3"))
	r.ReportError(boom)
	r.UpdateState(resolver.State{ServiceConfig: `{"loadBalancingConfig":[{"round_robin":{}}]}`})
	assert.Equal(t, state("b:2", "c:3"), cc.NextState(t))
	assert.ErrorIs(t, cc.NextError(t), boom)
	assert.Equal(t, `{"loadBalancingConfig":[{"round_robin":{}}]}`, cc.NextState(t).ServiceConfig)
}

func TestNoInitialStateNoPush(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	cc.NothingPending(t)
	r.ReportError(nil) // not an error: nothing to report
	r.Close()
	cc.NothingPending(t)
}

// TestUpdateBeforeBuildWaitsForBuild: the state reaches the channel after
// the initial one, once the channel exists.
func TestUpdateBeforeBuildWaitsForBuild(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	r.InitialState(state("initial:1"))
	returned := make(chan struct{})
	go func() {
		r.UpdateState(state("early:1"))
		close(returned)
	}()
	select {
	case <-returned:
		t.Fatal("UpdateState returned before Build: the state had nowhere to go")
	case <-time.After(50 * time.Millisecond):
	}

	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	select {
	case <-returned:
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatal("UpdateState still waits after Build")
	}
	assert.Equal(t, state("initial:1"), cc.NextState(t))
	assert.Equal(t, state("early:1"), cc.NextState(t))
}

// TestStateGivenBeforeCloseIsDelivered: what UpdateState took reaches the
// channel even when Close follows at once.
func TestStateGivenBeforeCloseIsDelivered(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	r.UpdateState(state("a:1"))
	r.Close()
	assert.Equal(t, state("a:1"), cc.PendingState(t))
}

func TestAfterCloseCallsReturnAtOnce(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	r.Close()
	r.Close() // a second Close is harmless

	returned := make(chan struct{})
	go func() {
		r.UpdateState(state("late:1"))
		r.ReportError(errors.New("late"))
		r.ResolveNow()
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatal("UpdateState or ReportError blocked after Close")
	}
	cc.NothingPending(t)
}

func TestCloseReleasesWaitersOfUnbuiltResolver(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	returned := make(chan struct{})
	go func() {
		r.UpdateState(state("a:1"))
		close(returned)
	}()
	r.Close()
	select {
	case <-returned:
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatal("UpdateState still waits after Close")
	}
	_, err := r.Build(target(t, r), resolvertest.NewClientConn(t), resolver.BuildOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already built or closed")
	r.Close()
}

func TestSecondBuildFails(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	build(t, r, resolvertest.NewClientConn(t))
	_, err := r.Build(target(t, r), resolvertest.NewClientConn(t), resolver.BuildOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one with NewBuilderWithScheme for each channel")
	assert.Contains(t, err.Error(), "test:///svc")
}

func TestResolveNowRequestsCoalesce(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	build(t, r, resolvertest.NewClientConn(t))
	requests := r.ResolveNowRequests()
	select {
	case <-requests:
		t.Fatal("a request before any ResolveNow")
	default:
	}
	r.ResolveNow()
	r.ResolveNow() // never blocks; one with the first
	<-requests
	select {
	case <-requests:
		t.Fatal("two ResolveNow calls the test had not yet seen were not coalesced")
	default:
	}
	r.ResolveNow()
	select {
	case <-requests:
	default:
		t.Fatal("a ResolveNow after the test took the last one was lost")
	}
}

// TestUpdatesFromManyGoroutines: every state handed over reaches the
// channel exactly once (the race detector watches the handover).
func TestUpdatesFromManyGoroutines(t *testing.T) {
	r := manual.NewBuilderWithScheme("test")
	cc := resolvertest.NewClientConn(t)
	build(t, r, cc)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.UpdateState(state(fmt.Sprintf("h%d:1", i)))
		}()
	}
	seen := map[string]bool{}
	for range n {
		addr := resolvertest.Addrs(cc.NextState(t))[0]
		assert.False(t, seen[addr], "delivered twice: %s", addr)
		seen[addr] = true
	}
	wg.Wait()
	assert.Len(t, seen, n)
}
