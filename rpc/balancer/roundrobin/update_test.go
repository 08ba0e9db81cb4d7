package roundrobin

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

func TestAddressUpdates(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a, bb := cc.SubConn("a:1"), cc.SubConn("b:1")
	a.Ready()
	bb.Ready()

	balancertest.Resolve(t, b, "b:1", "c:1")
	assert.True(t, a.IsShutdown(), "a removed address is shut down")
	assert.False(t, bb.IsShutdown())
	assert.Equal(t, []string{"a:1", "b:1", "c:1"}, balancertest.Addrs(cc.SubConns), "only the new address gets a subchannel")
	assert.Equal(t, 1, cc.SubConn("c:1").ConnectCount)
	assert.Equal(t, map[string]int{"b:1": 10}, cc.PickCounts(cc.LastState().Picker, 10), "b keeps its READY state")

	cc.SubConn("c:1").Ready()
	assert.Equal(t, map[string]int{"b:1": 10, "c:1": 10}, cc.PickCounts(cc.LastState().Picker, 20))

	n := len(cc.States)
	a.Ready() // a late report from a removed backend
	assert.Len(t, cc.States, n)

	// An update with the same READY set publishes nothing.
	balancertest.Resolve(t, b, "b:1", "c:1")
	assert.Len(t, cc.States, n)
}

func TestUpdateRemovingTheReadyBackends(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	balancertest.Resolve(t, b, "b:1")
	assert.Equal(t, connectivity.Connecting, cc.LastState().ConnectivityState)
	assert.ErrorIs(t, cc.PickErr(), balancer.ErrNoSubConnAvailable)
}

func TestZeroAddresses(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Ready()
	err := b.UpdateClientConnState(balancer.ClientConnState{})
	assert.EqualError(t, err, "round_robin: the resolver produced no addresses")
	assert.Equal(t, tf, cc.LastState().ConnectivityState)
	assert.EqualError(t, cc.PickErr(), "round_robin: the resolver produced no addresses")
	assert.Empty(t, cc.Live())

	balancertest.Resolve(t, b, "c:1")
	assert.Equal(t, connecting, cc.LastState().ConnectivityState)
}

func TestResolverError(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	b.ResolverError(errors.New("no such host"))
	assert.Equal(t, []connectivity.State{tf}, cc.ConnectivityStates())
	assert.EqualError(t, cc.PickErr(), "round_robin: resolving the target failed: no such host")

	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	n := len(cc.States)
	b.ResolverError(errors.New("no such host"))
	assert.Len(t, cc.States, n, "the last good addresses stay in use")
}

func TestSubConnCreationFailure(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	cc.NewSubConnErr = errors.New("channel closing")
	balancertest.Resolve(t, b, "a:1")
	assert.Equal(t, []connectivity.State{tf}, cc.ConnectivityStates())
	assert.ErrorContains(t, cc.PickErr(), "channel closing")

	cc.NewSubConnErr = nil
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	assert.Equal(t, ready, cc.LastState().ConnectivityState)
}

func TestCloseShutsEverythingDown(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Ready()
	b.Close()
	assert.Empty(t, cc.Live())
	n := len(cc.States)
	cc.SubConn("b:1").Ready()
	assert.Len(t, cc.States, n, "a closed policy publishes nothing")
	assert.EqualError(t, b.UpdateClientConnState(balancertest.Resolved("c:1")), "round_robin: the balancer is closed")
	assert.Len(t, cc.SubConns, 2)
}
