package pickfirst

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// TestStaysOnReadyBackend: a resolver update that still lists the READY
// backend changes nothing; one that drops it starts over.
func TestStaysOnReadyBackend(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Fail(errors.New("refused"))
	bb := cc.SubConn("b:1")
	bb.Ready()
	made, published := len(cc.SubConns), len(cc.States)

	balancertest.Resolve(t, b, "c:1", "b:1", "d:1")
	assert.Len(t, cc.SubConns, made, "no new subchannel while the READY one is listed")
	assert.Len(t, cc.States, published, "nothing to publish")
	assert.False(t, bb.IsShutdown())
	assert.Equal(t, "b:1", cc.Picked())

	balancertest.Resolve(t, b, "c:1", "d:1")
	assert.True(t, bb.IsShutdown())
	assert.Equal(t, connecting, cc.LastState().ConnectivityState)
	assert.Equal(t, "c:1", cc.Connects[len(cc.Connects)-1], "the new list is walked from its start")
}

// TestUpdateWhileFailingStaysInTransientFailure: sticky
// TRANSIENT_FAILURE survives a resolver update, and the new list is walked.
func TestUpdateWhileFailingStaysInTransientFailure(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	a := cc.SubConn("a:1")
	a.Fail(errors.New("refused"))
	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates())

	balancertest.Resolve(t, b, "b:1", "a:1")
	assert.Equal(t, []connectivity.State{connecting, tf}, cc.ConnectivityStates(), "no CONNECTING in between")
	assert.Equal(t, []string{"a:1", "b:1"}, cc.Connects)
	assert.False(t, a.IsShutdown(), "a listed address keeps its subchannel and its backoff")
	cc.SubConn("b:1").Fail(errors.New("b refused"))
	assert.Equal(t, []connectivity.State{connecting, tf, tf}, cc.ConnectivityStates())
	assert.ErrorContains(t, cc.PickErr(), "b refused")
}

// TestReconnectsAfterIdle: a READY backend that loses its connection is
// connected again at once, and the list is walked again if that fails.
func TestReconnectsAfterIdle(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1")
	a := cc.SubConn("a:1")
	a.Ready()

	a.Idle() // GOAWAY, or the connection closed
	assert.Equal(t, 1, cc.ResolveNowCount)
	assert.Equal(t, []connectivity.State{connecting, ready, connecting}, cc.ConnectivityStates())
	assert.Equal(t, 2, a.ConnectCount)
	a.Ready()
	assert.Equal(t, []connectivity.State{connecting, ready, connecting, ready}, cc.ConnectivityStates())
	assert.Equal(t, "a:1", cc.Picked())

	a.Idle()
	a.Fail(errors.New("refused"))
	assert.Equal(t, []string{"a:1", "a:1", "a:1", "b:1"}, cc.Connects, "falls back to the rest of the list")
	assert.Equal(t, connecting, cc.LastState().ConnectivityState)
	cc.SubConn("b:1").Ready()
	assert.Equal(t, "b:1", cc.Picked())
	assert.True(t, a.IsShutdown())
}

// TestReconnectFailureWithOneAddress ends in TRANSIENT_FAILURE, then
// retries after the backoff.
func TestReconnectFailureWithOneAddress(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	a := cc.SubConn("a:1")
	a.Ready()
	a.Idle()
	a.Fail(errors.New("refused"))
	assert.Equal(t, []connectivity.State{connecting, ready, connecting, tf}, cc.ConnectivityStates())
	assert.Equal(t, 2, cc.ResolveNowCount, "once for the lost connection, once for the failed pass")
	a.Idle()
	assert.Equal(t, 3, a.ConnectCount)
	a.Ready()
	assert.Equal(t, ready, cc.LastState().ConnectivityState)
}

// TestStaleReportsAreIgnored: reports from a subchannel already shut down
// change nothing.
func TestStaleReportsAreIgnored(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	a := cc.SubConn("a:1")
	balancertest.Resolve(t, b, "b:1")
	assert.True(t, a.IsShutdown())
	n := len(cc.States)
	a.Ready()
	assert.Len(t, cc.States, n)
	cc.SubConn("b:1").Ready()
	assert.Equal(t, "b:1", cc.Picked())
}
