package roundrobin

import (
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// subConn is round_robin's record of one backend.
type subConn struct {
	addr resolver.Address
	key  resolver.Address
	// sc is nil when the channel could not make the subchannel; the
	// backend then counts as failing until an update tries again.
	sc    balancer.SubConn
	state connectivity.State
	// failing: the last attempt failed and none has succeeded since. It
	// makes the backend count as TRANSIENT_FAILURE while it retries.
	failing bool
}

// roundRobin is the policy's state. It runs on the channel actor's
// goroutine (see package balancer), so it has no lock.
type roundRobin struct {
	cc balancer.ClientConn
	// randIntN picks each READY picker's first backend.
	randIntN func(n int) int

	// backends are in the resolver's order (deduplicated); byKey and bySC
	// find them by address and by SubConn (SubConn implementations must
	// be comparable, as pointers are).
	backends []*subConn
	byKey    map[resolver.Address]*subConn
	bySC     map[balancer.SubConn]*subConn
	lastErr  error

	// state and ready are what was published last: the aggregate state
	// and, when READY, the picker's subchannels.
	state  connectivity.State
	ready  []balancer.SubConn
	closed bool
}

func newRoundRobin(cc balancer.ClientConn, randIntN func(int) int) *roundRobin {
	return &roundRobin{
		cc:       cc,
		randIntN: randIntN,
		byKey:    map[resolver.Address]*subConn{},
		bySC:     map[balancer.SubConn]*subConn{},
		state:    connectivity.Idle,
	}
}

// errClosed is returned for an update that reaches a closed policy.
var errClosed = errors.New("round_robin: the balancer is closed")

// UpdateClientConnState makes and connects subchannels for new addresses,
// shuts down those of removed ones, and keeps the rest as they are.
func (b *roundRobin) UpdateClientConnState(s balancer.ClientConnState) error {
	if b.closed {
		return errClosed
	}
	// A backend listed twice gets one subchannel, and so its fair share
	// of calls, not twice that.
	addrs := balancer.DedupeAddresses(s.ResolverState.Addresses)
	if len(addrs) == 0 {
		b.removeAll()
		b.publishFailure(errNoAddresses)
		return errNoAddresses
	}
	backends := make([]*subConn, 0, len(addrs))
	keep := make(map[resolver.Address]bool, len(addrs))
	for _, a := range addrs {
		s := b.byKey[balancer.AddressKey(a)]
		if s == nil {
			s = &subConn{addr: a, key: balancer.AddressKey(a)}
			b.byKey[s.key] = s
		}
		if s.sc == nil {
			b.makeSubConn(s)
		}
		keep[s.key] = true
		backends = append(backends, s)
	}
	for _, s := range b.backends {
		if !keep[s.key] {
			b.remove(s)
		}
	}
	b.backends = backends
	b.regeneratePicker(false)
	return nil
}

// ResolverError fails calls with err only while there is nothing to
// connect to; otherwise the policy keeps using the last good addresses.
func (b *roundRobin) ResolverError(err error) {
	if b.closed || len(b.backends) > 0 {
		return
	}
	b.publishFailure(fmt.Errorf("round_robin: resolving the target failed: %w", err))
}

// ExitIdle connects any IDLE backend. round_robin reconnects on its own,
// so this is a nudge only.
func (b *roundRobin) ExitIdle() {
	if b.closed {
		return
	}
	for _, s := range b.backends {
		if s.sc != nil && s.state == connectivity.Idle {
			s.sc.Connect()
		}
	}
}

// Close shuts every subchannel down; later calls are ignored.
func (b *roundRobin) Close() {
	if b.closed {
		return
	}
	b.closed = true
	b.removeAll()
}

var _ balancer.Balancer = (*roundRobin)(nil)
