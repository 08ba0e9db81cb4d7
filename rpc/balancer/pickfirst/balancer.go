package pickfirst

import (
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// phase is where pick_first is in its search for a backend.
type phase int

const (
	// phaseIdle: no address to try yet (none resolved, or zero addresses).
	phaseIdle phase = iota
	// phaseFirstPass: trying the addresses one at a time, in order.
	phaseFirstPass
	// phaseRetrying: every address failed once; each is retried when its
	// backoff ends, and the first to connect wins (sticky
	// TRANSIENT_FAILURE).
	phaseRetrying
	// phaseReady: one subchannel is READY and takes every call.
	phaseReady
	// phaseReconnecting: the READY subchannel lost its connection and is
	// being reconnected on its own before the list is walked again.
	phaseReconnecting
)

// subConn is pick_first's record of one subchannel.
type subConn struct {
	addr resolver.Address
	key  resolver.Address
	// sc is nil when the channel could not make the subchannel; the
	// address then counts as failed until the next pass tries again.
	sc    balancer.SubConn
	state connectivity.State
	// failedInPass: this address has failed since the current pass began.
	failedInPass bool
}

// pickFirst is the policy's state. It runs on the channel actor's
// goroutine (see package balancer), so it has no lock.
type pickFirst struct {
	cc      balancer.ClientConn
	shuffle func(n int, swap func(i, j int))

	// addrs are the deduplicated (maybe shuffled) addresses, in the order
	// they are tried.
	addrs []resolver.Address
	// subs are the subchannels by address key, bySC the same by SubConn
	// (SubConn implementations must be comparable, as pointers are).
	subs map[resolver.Address]*subConn
	bySC map[balancer.SubConn]*subConn

	phase phase
	// next indexes addrs: the address the first pass is trying.
	next int
	// chosen is the READY subchannel (phaseReady), or the one being
	// reconnected (phaseReconnecting).
	chosen *subConn
	// failures counts TRANSIENT_FAILURE reports in phaseRetrying, to
	// publish a fresh error and re-resolve once per round of failures
	// rather than once per failure.
	failures int
	lastErr  error

	// state is the connectivity state published last.
	state  connectivity.State
	closed bool
}

func newPickFirst(cc balancer.ClientConn, shuffle func(int, func(i, j int))) *pickFirst {
	return &pickFirst{
		cc:      cc,
		shuffle: shuffle,
		subs:    map[resolver.Address]*subConn{},
		bySC:    map[balancer.SubConn]*subConn{},
		state:   connectivity.Idle,
	}
}

// errClosed is returned for an update that reaches a closed policy.
var errClosed = errors.New("pick_first: the balancer is closed")

// UpdateClientConnState takes a new address list. It keeps a READY
// backend that is still listed; otherwise it walks the new list from the
// start, reusing the subchannels of addresses it already had.
func (b *pickFirst) UpdateClientConnState(s balancer.ClientConnState) error {
	if b.closed {
		return errClosed
	}
	cfg, err := parseConfig(s.BalancerConfig)
	if err != nil {
		// Keep running on the last good update, if any: a bad config
		// should not drop working connections.
		if len(b.subs) == 0 {
			b.publish(connectivity.TransientFailure, balancer.ErrPicker(err))
		}
		return err
	}
	// A backend listed twice is tried once a pass, not twice.
	addrs := balancer.DedupeAddresses(s.ResolverState.Addresses)
	if len(addrs) == 0 {
		b.shutdownAll()
		b.addrs = nil
		b.phase = phaseIdle
		b.publish(connectivity.TransientFailure, balancer.ErrPicker(errNoAddresses))
		return errNoAddresses
	}
	if cfg.ShuffleAddressList {
		b.shuffle(len(addrs), func(i, j int) { addrs[i], addrs[j] = addrs[j], addrs[i] })
	}
	b.addrs = addrs
	b.shutdownUnlisted()

	if b.phase == phaseReady && b.subs[b.chosen.key] == b.chosen {
		return nil // still listed: stay on it (stickiness)
	}
	// Sticky TRANSIENT_FAILURE (gRFC A62): after real connection failures
	// stay in TRANSIENT_FAILURE until a backend is READY. A failure that
	// came from having nothing to connect to does not stick.
	if b.state != connectivity.TransientFailure || b.phase == phaseIdle {
		b.publish(connectivity.Connecting, queuePicker)
	}
	b.startPass()
	return nil
}

// ResolverError fails calls with err only while there is nothing to
// connect to; otherwise the policy keeps using the last good addresses.
func (b *pickFirst) ResolverError(err error) {
	if b.closed || len(b.subs) > 0 {
		return
	}
	b.publish(connectivity.TransientFailure, balancer.ErrPicker(fmt.Errorf("pick_first: resolving the target failed: %w", err)))
}

// ExitIdle connects whichever subchannel the policy is waiting on, if it
// is IDLE. pick_first reconnects on its own, so this is a nudge only.
func (b *pickFirst) ExitIdle() {
	if b.closed {
		return
	}
	switch b.phase {
	case phaseFirstPass:
		b.continuePass()
	case phaseRetrying:
		b.connectIdle()
	case phaseReconnecting:
		if b.chosen.state == connectivity.Idle {
			b.chosen.sc.Connect()
		}
	}
}

// Close shuts every subchannel down; later calls are ignored.
func (b *pickFirst) Close() {
	if b.closed {
		return
	}
	b.closed = true
	b.shutdownAll()
}

// publish tells the channel the policy's state and picker. A repeated
// CONNECTING is not published again: it would only wake queued calls to
// queue them once more.
func (b *pickFirst) publish(state connectivity.State, p balancer.Picker) {
	if state == connectivity.Connecting && b.state == connectivity.Connecting {
		return
	}
	b.state = state
	b.cc.UpdateState(balancer.State{ConnectivityState: state, Picker: p})
}
