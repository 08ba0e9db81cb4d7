package balancertest

import (
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// SubConn is a fake subchannel. It changes state only when the test calls
// Report (or one of its shorthands), so a test decides exactly what the
// policy sees and when.
type SubConn struct {
	cc   *ClientConn
	addr resolver.Address

	// ConnectCount and ShutdownCount count the policy's calls.
	ConnectCount  int
	ShutdownCount int
	// State is the state last reported to the balancer.
	State connectivity.State
}

var _ balancer.SubConn = (*SubConn)(nil)

// Connect records the call (and its order in ClientConn.Connects). It does
// not change the state: the test reports CONNECTING when it wants to.
func (sc *SubConn) Connect() {
	sc.ConnectCount++
	sc.cc.Connects = append(sc.cc.Connects, sc.addr.Addr)
}

// Shutdown records the call.
func (sc *SubConn) Shutdown() { sc.ShutdownCount++ }

// Address is the address the subchannel was made for.
func (sc *SubConn) Address() resolver.Address { return sc.addr }

// IsShutdown tells whether the policy has shut the subchannel down.
func (sc *SubConn) IsShutdown() bool { return sc.ShutdownCount > 0 }

// Report delivers a state change to the balancer, as the channel actor
// would: on the caller's goroutine, synchronously.
func (sc *SubConn) Report(state connectivity.State, err error) {
	sc.cc.t.Helper()
	if sc.cc.Balancer == nil {
		sc.cc.t.Fatalf("balancertest: ClientConn.Balancer is not set; use Build or set it")
	}
	sc.State = state
	sc.cc.Balancer.UpdateSubConnState(sc, balancer.SubConnState{ConnectivityState: state, ConnectionError: err})
}

// Connecting reports CONNECTING.
func (sc *SubConn) Connecting() { sc.cc.t.Helper(); sc.Report(connectivity.Connecting, nil) }

// Ready reports CONNECTING then READY: a successful connection attempt.
func (sc *SubConn) Ready() {
	sc.cc.t.Helper()
	if sc.State != connectivity.Connecting {
		sc.Report(connectivity.Connecting, nil)
	}
	sc.Report(connectivity.Ready, nil)
}

// Fail reports CONNECTING (unless already) then TRANSIENT_FAILURE with err:
// a failed connection attempt.
func (sc *SubConn) Fail(err error) {
	sc.cc.t.Helper()
	if sc.State != connectivity.Connecting {
		sc.Report(connectivity.Connecting, nil)
	}
	sc.Report(connectivity.TransientFailure, err)
}

// Idle reports IDLE: the backoff after a failure ended, or a READY
// connection was lost (GOAWAY or closed).
func (sc *SubConn) Idle() { sc.cc.t.Helper(); sc.Report(connectivity.Idle, nil) }
