// Package balancer is the load-balancing policy of a client channel: which
// backends to connect to and which one each call goes to.
//
// A balancer runs inside its channel's actor. Every method of Balancer and
// Picker is called on that actor's goroutine, one at a time, and a
// balancer calls ClientConn and SubConn only from inside those methods: a
// policy owns its state like any actor, without a lock, and its picker may
// keep a plain counter. Subchannels are actors of their own; what they
// report arrives through UpdateSubConnState.
package balancer

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// ErrNoSubConnAvailable is what a Picker returns when no backend can take
// the call yet: the call waits for the balancer's next picker.
var ErrNoSubConnAvailable = errors.New("balancer: no subchannel is available yet")

// SubConn is a subchannel: the connection to one backend, with its
// connectivity state and its reconnection backoff.
type SubConn interface {
	// Connect asks an IDLE subchannel to connect; otherwise it does
	// nothing. It never blocks.
	Connect()
	// Shutdown ends the subchannel. Calls in flight on its connection
	// finish; new ones are not sent to it. It reports Shutdown last.
	Shutdown()
	// Address is the backend's address.
	Address() resolver.Address
}

// ClientConn is the channel as its balancer sees it.
type ClientConn interface {
	// NewSubConn makes a subchannel for addr, in state IDLE.
	NewSubConn(addr resolver.Address) (SubConn, error)
	// UpdateState publishes the balancer's aggregate state and the picker
	// that calls use from now on; calls waiting for a picker are picked
	// again.
	UpdateState(State)
	// ResolveNow asks the resolver for a fresh resolution.
	ResolveNow()
}

// State is the balancer's aggregate connectivity state and its picker.
type State struct {
	ConnectivityState connectivity.State
	Picker            Picker
}

// PickInfo is what a picker knows of the call it places.
type PickInfo struct {
	// FullMethodName is "/package.Service/Method".
	FullMethodName string
	Ctx            context.Context
}

// PickResult is where a call goes.
type PickResult struct {
	SubConn SubConn
}

// Picker chooses a subchannel for each call. It is called on the channel
// actor's goroutine. It returns ErrNoSubConnAvailable to make the call wait
// for the next picker; a status error (package status) to fail the call
// with that status; any other error to fail the call with Unavailable, or
// to make it wait if it is wait-for-ready.
type Picker interface {
	Pick(info PickInfo) (PickResult, error)
}

// ClientConnState is what the channel tells its balancer of the target.
type ClientConnState struct {
	ResolverState resolver.State
	// BalancerConfig is this policy's config from the service config's
	// loadBalancingConfig, nil when it has none.
	BalancerConfig json.RawMessage
}

// SubConnState is a subchannel's connectivity state.
type SubConnState struct {
	ConnectivityState connectivity.State
	// ConnectionError is why the last connection attempt failed, for
	// TransientFailure.
	ConnectionError error
}

// Balancer is a load-balancing policy at work for one channel.
type Balancer interface {
	// UpdateClientConnState gives the resolver's new state (and the
	// policy's config). An error makes the channel ask the resolver again.
	UpdateClientConnState(ClientConnState) error
	// ResolverError reports that resolving failed.
	ResolverError(error)
	// UpdateSubConnState reports a subchannel's new state.
	UpdateSubConnState(SubConn, SubConnState)
	// ExitIdle asks an idle balancer to connect (a call arrived, or the
	// application called Connect).
	ExitIdle()
	// Close ends the policy; it shuts its subchannels down.
	Close()
}

// BuildOptions are what the channel tells a builder.
type BuildOptions struct {
	// Target is the channel's target as the application wrote it.
	Target string
}

// Builder makes balancers of one policy.
type Builder interface {
	// Name is the policy's name in service configs, e.g. "round_robin".
	Name() string
	Build(cc ClientConn, opts BuildOptions) Balancer
}
