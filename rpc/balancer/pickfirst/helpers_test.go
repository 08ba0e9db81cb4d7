package pickfirst

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// build makes a pick_first policy on a fake channel, through the registry
// as the channel finds it.
func build(t *testing.T) (*balancertest.ClientConn, balancer.Balancer) {
	t.Helper()
	return balancertest.Build(t, Name)
}

// resolve hands the policy addrs and requires that it accepts them.
func resolve(t *testing.T, b balancer.Balancer, addrs ...string) {
	t.Helper()
	require.NoError(t, b.UpdateClientConnState(balancertest.Resolved(addrs...)))
}

// states are the connectivity states the policy published, in order.
func states(cc *balancertest.ClientConn) []connectivity.State {
	var out []connectivity.State
	for _, s := range cc.States {
		out = append(out, s.ConnectivityState)
	}
	return out
}

// pickErr is the error of the last picker.
func pickErr(t *testing.T, cc *balancertest.ClientConn) error {
	t.Helper()
	_, err := balancertest.Pick(cc.LastState().Picker)
	require.Error(t, err)
	return err
}

// picked is the address the last picker sends calls to.
func picked(t *testing.T, cc *balancertest.ClientConn) string {
	t.Helper()
	addr, err := balancertest.Pick(cc.LastState().Picker)
	require.NoError(t, err)
	return addr
}

const (
	connecting = connectivity.Connecting
	ready      = connectivity.Ready
	tf         = connectivity.TransientFailure
)
