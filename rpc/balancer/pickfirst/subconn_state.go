package pickfirst

import (
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// UpdateSubConnState moves the policy on from what a subchannel reports.
// Any subchannel of ours that becomes READY wins, whatever the phase.
func (b *pickFirst) UpdateSubConnState(sc balancer.SubConn, st balancer.SubConnState) {
	if b.closed {
		return
	}
	s := b.bySC[sc]
	if s == nil || st.ConnectivityState == connectivity.Shutdown {
		return // shut down by us; its last reports do not matter
	}
	s.state = st.ConnectivityState
	if s.state == connectivity.TransientFailure {
		b.noteFailure(s, st.ConnectionError)
	}
	if s.state == connectivity.Ready {
		b.becomeReady(s)
		return
	}
	switch b.phase {
	case phaseFirstPass:
		b.firstPassUpdate(s)
	case phaseRetrying:
		b.retryingUpdate(s)
	case phaseReady:
		// The chosen one (the only one left) lost its connection.
		b.cc.ResolveNow()
		b.phase = phaseReconnecting
		b.publish(connectivity.Connecting, queuePicker)
		b.reconnectingUpdate(s)
	case phaseReconnecting:
		b.reconnectingUpdate(s)
	}
}

// becomeReady makes s the backend for every call and shuts the others.
func (b *pickFirst) becomeReady(s *subConn) {
	b.shutdownAllBut(s)
	b.phase = phaseReady
	b.chosen = s
	b.publish(connectivity.Ready, readyPicker{sc: s.sc})
}

// firstPassUpdate moves to the next address when the current one fails.
// Other subchannels' reports (left from an earlier pass) are only
// recorded: the walk looks at their state when it reaches them.
func (b *pickFirst) firstPassUpdate(s *subConn) {
	if !b.isCurrent(s) {
		return
	}
	switch s.state {
	case connectivity.TransientFailure:
		b.next++
		b.continuePass()
	case connectivity.Idle:
		s.sc.Connect() // it left CONNECTING without failing: try it again
	}
}

// retryingUpdate reconnects each subchannel whose backoff has ended, and
// after each round of failures refreshes the error calls fail with and
// asks the resolver again.
func (b *pickFirst) retryingUpdate(s *subConn) {
	switch s.state {
	case connectivity.Idle:
		s.sc.Connect()
	case connectivity.TransientFailure:
		b.failures++
		if b.failures >= b.liveCount() {
			b.failures = 0
			b.publish(connectivity.TransientFailure, balancer.ErrPicker(allFailedError(b.lastErr)))
			b.cc.ResolveNow()
		}
	}
}

// reconnectingUpdate reconnects the backend that was READY; if it fails,
// the list is walked again from the start.
func (b *pickFirst) reconnectingUpdate(s *subConn) {
	switch s.state {
	case connectivity.Idle:
		s.sc.Connect()
	case connectivity.TransientFailure:
		b.startPass()
	}
}
