// Package balancertest holds fakes for testing load-balancing policies
// without a channel: a ClientConn that records what the policy asks of the
// channel, and SubConns whose state changes the test drives by hand.
//
// The fakes are for one goroutine, the test's, which plays the channel
// actor: it calls the balancer directly, and the balancer calls the fakes
// back on the same goroutine, as it would the real channel.
package balancertest

import (
	"testing"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// ClientConn is a fake balancer.ClientConn that records every call.
type ClientConn struct {
	t testing.TB

	// Balancer receives the state changes the test drives through
	// SubConn.Report. Build sets it.
	Balancer balancer.Balancer
	// SubConns are the subchannels NewSubConn made, in order.
	SubConns []*SubConn
	// States are the states UpdateState published, in order.
	States []balancer.State
	// Connects are the addresses of SubConn.Connect calls, in order, so a
	// test can check the order in which a policy tries its backends.
	Connects []string
	// ResolveNowCount is how many times ResolveNow was called.
	ResolveNowCount int
	// NewSubConnErr, when set, makes NewSubConn fail with it.
	NewSubConnErr error
}

var _ balancer.ClientConn = (*ClientConn)(nil)

// NewClientConn returns a fake channel that reports misuse to t.
func NewClientConn(t testing.TB) *ClientConn { return &ClientConn{t: t} }

// Build makes a balancer of the registered policy name on a fake channel,
// and closes it when the test ends.
func Build(t testing.TB, name string) (*ClientConn, balancer.Balancer) {
	t.Helper()
	builder := balancer.Get(name)
	if builder == nil {
		t.Fatalf("balancertest: no balancer is registered as %q", name)
	}
	cc := NewClientConn(t)
	cc.Balancer = builder.Build(cc, balancer.BuildOptions{Target: "test:///" + name})
	t.Cleanup(cc.Balancer.Close)
	return cc, cc.Balancer
}

// NewSubConn records a new IDLE fake subchannel for addr.
func (cc *ClientConn) NewSubConn(addr resolver.Address) (balancer.SubConn, error) {
	if cc.NewSubConnErr != nil {
		return nil, cc.NewSubConnErr
	}
	sc := &SubConn{cc: cc, addr: addr}
	cc.SubConns = append(cc.SubConns, sc)
	return sc, nil
}

// UpdateState records s; a nil picker fails the test, since the channel
// would have nothing to pick calls with.
func (cc *ClientConn) UpdateState(s balancer.State) {
	if s.Picker == nil {
		cc.t.Errorf("balancertest: UpdateState(%v) with a nil picker", s.ConnectivityState)
	}
	cc.States = append(cc.States, s)
}

// ResolveNow counts the call.
func (cc *ClientConn) ResolveNow() { cc.ResolveNowCount++ }

// ConnectivityStates are the connectivity states UpdateState published,
// in order.
func (cc *ClientConn) ConnectivityStates() []connectivity.State {
	var out []connectivity.State
	for _, s := range cc.States {
		out = append(out, s.ConnectivityState)
	}
	return out
}

// LastState is the state published last; it fails the test if none was.
func (cc *ClientConn) LastState() balancer.State {
	cc.t.Helper()
	if len(cc.States) == 0 {
		cc.t.Fatalf("balancertest: the balancer has published no state")
	}
	return cc.States[len(cc.States)-1]
}

// SubConn returns the newest subchannel made for addr (its Addr field); it
// fails the test if there is none.
func (cc *ClientConn) SubConn(addr string) *SubConn {
	cc.t.Helper()
	for i := len(cc.SubConns) - 1; i >= 0; i-- {
		if cc.SubConns[i].addr.Addr == addr {
			return cc.SubConns[i]
		}
	}
	cc.t.Fatalf("balancertest: no subchannel was made for %q", addr)
	return nil
}

// Live are the subchannels not shut down, in the order they were made.
func (cc *ClientConn) Live() []*SubConn {
	var live []*SubConn
	for _, sc := range cc.SubConns {
		if !sc.IsShutdown() {
			live = append(live, sc)
		}
	}
	return live
}

// Addrs are the addresses of subchannels, in the order given.
func Addrs(scs []*SubConn) []string {
	addrs := make([]string, len(scs))
	for i, sc := range scs {
		addrs[i] = sc.addr.Addr
	}
	return addrs
}
