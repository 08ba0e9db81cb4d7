package pickfirst

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

func TestRegistered(t *testing.T) {
	b := balancer.Get("PICK_FIRST")
	require.NotNil(t, b, "pick_first is not registered")
	assert.Equal(t, "pick_first", b.Name())
}

// TestFallsThroughDeadAddresses: addresses are tried one at a time, in
// order, and the first that connects takes every call.
func TestFallsThroughDeadAddresses(t *testing.T) {
	tests := []struct {
		name      string
		dead      int // how many leading addresses refuse
		wantReady string
	}{
		{"first works", 0, "a:1"},
		{"first dead", 1, "b:1"},
		{"two dead", 2, "c:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc, b := balancertest.Build(t, Name)
			balancertest.Resolve(t, b, "a:1", "b:1", "c:1")
			assert.Equal(t, []connectivity.State{connecting}, cc.ConnectivityStates())
			assert.ErrorIs(t, cc.PickErr(), balancer.ErrNoSubConnAvailable)

			addrs := []string{"a:1", "b:1", "c:1"}
			for i := range tc.dead {
				assert.Equal(t, addrs[:i+1], cc.Connects, "only the current address is tried")
				cc.SubConn(addrs[i]).Fail(errors.New("refused"))
			}
			require.Equal(t, addrs[:tc.dead+1], cc.Connects)
			cc.SubConn(tc.wantReady).Ready()

			assert.Equal(t, []connectivity.State{connecting, ready}, cc.ConnectivityStates(), "no TRANSIENT_FAILURE during the first pass")
			assert.Equal(t, map[string]int{tc.wantReady: 10}, cc.PickCounts(cc.LastState().Picker, 10))
			assert.Equal(t, []string{tc.wantReady}, balancertest.Addrs(cc.Live()), "the others are shut down")
			assert.Zero(t, cc.ResolveNowCount)
		})
	}
}

func TestDedupesAddresses(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	s := balancertest.Resolved("a:1", "a:1", "b:1")
	s.ResolverState.Addresses[1].Network = "tcp" // the same backend, spelt out
	require.NoError(t, b.UpdateClientConnState(s))
	cc.SubConn("a:1").Fail(errors.New("refused"))
	cc.SubConn("b:1").Fail(errors.New("refused"))
	assert.Equal(t, []string{"a:1", "b:1"}, cc.Connects)
	assert.Equal(t, []string{"a:1", "b:1"}, balancertest.Addrs(cc.SubConns))
	assert.Equal(t, tf, cc.LastState().ConnectivityState)
}

func TestExitIdleDoesNotStartASecondAttempt(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Connecting()
	b.ExitIdle()
	assert.Equal(t, []string{"a:1"}, cc.Connects)
}

func TestSubConnCreationFailureCountsAsDead(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	cc.NewSubConnErr = errors.New("channel closing")
	balancertest.Resolve(t, b, "a:1")
	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates())
	assert.ErrorContains(t, cc.PickErr(), "channel closing")

	// The next update tries to make it again.
	cc.NewSubConnErr = nil
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	assert.Equal(t, ready, cc.LastState().ConnectivityState)
}
