package roundrobin

import (
	"slices"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// aggregate is the policy's state from its backends': READY if any is
// READY; else CONNECTING if any is IDLE or CONNECTING without having
// failed; else TRANSIENT_FAILURE. It also returns the READY subchannels,
// in address order.
func (b *roundRobin) aggregate() (connectivity.State, []balancer.SubConn) {
	var ready []balancer.SubConn
	connecting := false
	for _, s := range b.backends {
		switch {
		case s.state == connectivity.Ready:
			ready = append(ready, s.sc)
		case s.failing:
		case s.state == connectivity.Idle, s.state == connectivity.Connecting:
			connecting = true
		}
	}
	switch {
	case len(ready) > 0:
		return connectivity.Ready, ready
	case connecting:
		return connectivity.Connecting, nil
	}
	return connectivity.TransientFailure, nil
}

// regeneratePicker publishes a new picker when the aggregate state or the
// READY set changed; newFailure also republishes TRANSIENT_FAILURE, so
// that failing calls name the newest connection error.
func (b *roundRobin) regeneratePicker(newFailure bool) {
	state, ready := b.aggregate()
	switch state {
	case connectivity.Ready:
		if b.state == connectivity.Ready && slices.Equal(ready, b.ready) {
			return
		}
		b.publish(state, &rrPicker{ready: ready, next: b.randIntN(len(ready))}, ready)
	case connectivity.Connecting:
		if b.state != connectivity.Connecting {
			b.publish(state, queuePicker, nil)
		}
	default:
		if b.state != connectivity.TransientFailure || newFailure {
			b.publishFailure(allFailedError(b.lastErr))
		}
	}
}

// publishFailure publishes TRANSIENT_FAILURE with a picker failing with err.
func (b *roundRobin) publishFailure(err error) {
	b.publish(connectivity.TransientFailure, balancer.ErrPicker(err), nil)
}

func (b *roundRobin) publish(state connectivity.State, p balancer.Picker, ready []balancer.SubConn) {
	b.state, b.ready = state, ready
	b.cc.UpdateState(balancer.State{ConnectivityState: state, Picker: p})
}
