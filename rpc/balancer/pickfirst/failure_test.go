package pickfirst

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// TestAllFailStickyTransientFailure: when every address has failed once
// the policy reports TRANSIENT_FAILURE naming the last error, re-resolves,
// retries every address as its backoff ends, and stays in
// TRANSIENT_FAILURE until one is READY.
func TestAllFailStickyTransientFailure(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a := cc.SubConn("a:1")
	a.Fail(errors.New("a refused"))
	bb := cc.SubConn("b:1")
	errB := errors.New("b refused")
	bb.Fail(errB)

	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates())
	err := cc.PickErr()
	assert.EqualError(t, err, "pick_first: every address failed to connect; last connection error: b refused")
	assert.ErrorIs(t, err, errB)
	assert.NotErrorIs(t, err, balancer.ErrNoSubConnAvailable, "calls must fail fast, not queue")
	assert.Equal(t, 1, cc.ResolveNowCount)

	// Backoff over: each is connected again as it reports IDLE.
	a.Idle()
	bb.Idle()
	assert.Equal(t, 2, a.ConnectCount)
	assert.Equal(t, 2, bb.ConnectCount)
	a.Connecting()
	bb.Connecting()
	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates(), "sticky: no CONNECTING while retrying")

	// A second round of failures refreshes the error and re-resolves.
	a.Fail(errors.New("a refused again"))
	assert.Len(t, cc.States, 2, "one failure is not a round")
	bb.Fail(errors.New("b timed out"))
	assert.Equal(t, []connectivity.State{connecting, tf, tf}, cc.ConnectivityStates())
	assert.ErrorContains(t, cc.PickErr(), "last connection error: b timed out")
	assert.Equal(t, 2, cc.ResolveNowCount)

	// The first to connect wins, whichever its place in the list.
	bb.Idle()
	bb.Ready()
	assert.Equal(t, ready, cc.LastState().ConnectivityState)
	assert.Equal(t, "b:1", cc.Picked())
	assert.True(t, a.IsShutdown())
}

// TestSubConnIdleBeforeTheEndOfThePass: an address that failed and ended
// its backoff while the pass went on is connected when the pass ends.
func TestSubConnIdleBeforeTheEndOfThePass(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a := cc.SubConn("a:1")
	a.Fail(errors.New("refused"))
	bb := cc.SubConn("b:1")
	a.Idle()
	assert.Equal(t, 1, a.ConnectCount, "not retried during the first pass")
	bb.Fail(errors.New("refused"))
	assert.Equal(t, 2, a.ConnectCount, "retried once every address failed")
	assert.Equal(t, []string{"a:1", "b:1", "a:1"}, cc.Connects)
}

func TestZeroAddresses(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()

	err := b.UpdateClientConnState(balancer.ClientConnState{})
	assert.EqualError(t, err, "pick_first: the resolver produced no addresses")
	assert.Equal(t, tf, cc.LastState().ConnectivityState)
	assert.EqualError(t, cc.PickErr(), "pick_first: the resolver produced no addresses")
	assert.Empty(t, cc.Live())

	// That failure is not sticky: new addresses bring CONNECTING.
	balancertest.Resolve(t, b, "b:1")
	assert.Equal(t, connecting, cc.LastState().ConnectivityState)
}

func TestResolverError(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	b.ResolverError(errors.New("no such host"))
	assert.Equal(t, []connectivity.State{tf}, cc.ConnectivityStates())
	assert.EqualError(t, cc.PickErr(), "pick_first: resolving the target failed: no such host")

	// Once it has addresses, a resolver error changes nothing.
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	n := len(cc.States)
	b.ResolverError(errors.New("no such host"))
	assert.Len(t, cc.States, n)
	assert.Equal(t, "a:1", cc.Picked())
}

func TestCloseShutsEverythingDown(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a := cc.SubConn("a:1")
	a.Fail(errors.New("refused"))
	b.Close()
	assert.Empty(t, cc.Live())
	n := len(cc.States)
	cc.SubConn("b:1").Ready() // a late report
	assert.Len(t, cc.States, n, "a closed policy publishes nothing")
	made := len(cc.SubConns)
	assert.EqualError(t, b.UpdateClientConnState(balancertest.Resolved("c:1")), "pick_first: the balancer is closed")
	assert.Len(t, cc.SubConns, made)
}
