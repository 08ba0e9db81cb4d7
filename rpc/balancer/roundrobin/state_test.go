package roundrobin

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// event is one report from a backend: "a" reports state.
type event struct {
	addr  string
	state connectivity.State
}

// TestAggregateState: READY if any is READY; else CONNECTING if any is
// trying without having failed; else TRANSIENT_FAILURE.
func TestAggregateState(t *testing.T) {
	tests := []struct {
		name   string
		events []event
		want   connectivity.State
	}{
		{"just resolved", nil, connecting},
		{"one connecting", []event{{"a:1", connecting}}, connecting},
		{"one ready", []event{{"a:1", connecting}, {"a:1", ready}}, ready},
		{"one ready one failed", []event{{"a:1", ready}, {"b:1", tf}}, ready},
		{"one failed one still trying", []event{{"a:1", tf}, {"b:1", connecting}}, connecting},
		{"all failed", []event{{"a:1", tf}, {"b:1", tf}}, tf},
		{"all failed, one retrying", []event{{"a:1", tf}, {"b:1", tf}, {"a:1", idle}, {"a:1", connecting}}, tf},
		{"all failed, then one ready", []event{{"a:1", tf}, {"b:1", tf}, {"a:1", idle}, {"a:1", ready}}, ready},
		{"ready lost, other failed", []event{{"a:1", ready}, {"b:1", tf}, {"a:1", idle}}, connecting},
		{"ready lost and failed", []event{{"a:1", ready}, {"b:1", tf}, {"a:1", idle}, {"a:1", tf}}, tf},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc, b := balancertest.Build(t, Name)
			balancertest.Resolve(t, b, "a:1", "b:1")
			for _, e := range tc.events {
				cc.SubConn(e.addr).Report(e.state, errors.New(e.addr+" refused"))
			}
			assert.Equal(t, tc.want, cc.LastState().ConnectivityState)
			if tc.want == connecting {
				assert.ErrorIs(t, cc.PickErr(), balancer.ErrNoSubConnAvailable)
			}
		})
	}
}

func TestStatesPublished(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1", "c:1")
	a, bb, c := cc.SubConn("a:1"), cc.SubConn("b:1"), cc.SubConn("c:1")
	a.Connecting()
	bb.Connecting()
	assert.Equal(t, []connectivity.State{connecting}, cc.ConnectivityStates(), "CONNECTING is published once")
	a.Ready()
	bb.Ready()
	c.Fail(errors.New("refused"))
	assert.Equal(t, []connectivity.State{connecting, ready, ready}, cc.ConnectivityStates(), "a new picker for each change of the READY set, not for other changes")
	bb.Idle()
	assert.Equal(t, []connectivity.State{connecting, ready, ready, ready}, cc.ConnectivityStates())
	assert.Equal(t, map[string]int{"a:1": 10}, cc.PickCounts(cc.LastState().Picker, 10))
}

func TestTransientFailureNamesTheLastError(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Fail(errors.New("a refused"))
	errB := errors.New("b timed out")
	cc.SubConn("b:1").Fail(errB)
	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates())
	err := cc.PickErr()
	assert.EqualError(t, err, "round_robin: no backend is reachable; last connection error: b timed out")
	assert.ErrorIs(t, err, errB)

	// A newer failure while failing refreshes the error.
	cc.SubConn("a:1").Idle()
	cc.SubConn("a:1").Fail(errors.New("a reset"))
	assert.Equal(t, []connectivity.State{connecting, tf, tf}, cc.ConnectivityStates())
	assert.ErrorContains(t, cc.PickErr(), "last connection error: a reset")
}

// TestReconnectsAndReResolves: an IDLE backend is connected again at once;
// losing a READY one or failing asks the resolver again.
func TestReconnectsAndReResolves(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a, bb := cc.SubConn("a:1"), cc.SubConn("b:1")
	a.Ready()
	assert.Zero(t, cc.ResolveNowCount)

	a.Idle() // connection lost
	assert.Equal(t, 2, a.ConnectCount)
	assert.Equal(t, 1, cc.ResolveNowCount)

	bb.Fail(errors.New("refused"))
	assert.Equal(t, 2, cc.ResolveNowCount)
	bb.Idle() // backoff over: reconnect, no re-resolution
	assert.Equal(t, 2, bb.ConnectCount)
	assert.Equal(t, 2, cc.ResolveNowCount)
}

func TestExitIdleConnectsIdleBackends(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Connecting()
	b.ExitIdle()
	assert.Equal(t, 1, cc.SubConn("a:1").ConnectCount)
	assert.Equal(t, 2, cc.SubConn("b:1").ConnectCount, "b had not reported yet: still IDLE")
}
