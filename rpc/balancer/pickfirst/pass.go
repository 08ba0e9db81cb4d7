package pickfirst

import (
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// startPass walks the address list from the start: the first pass of
// gRFC A62, run on the first update, on every update that does not keep a
// READY backend, and when a lost backend fails to reconnect.
func (b *pickFirst) startPass() {
	b.phase = phaseFirstPass
	b.chosen = nil
	b.next = 0
	for _, s := range b.subs {
		s.failedInPass = false
	}
	b.continuePass()
}

// continuePass tries the address at b.next, skipping those whose
// subchannel is still in backoff from an earlier failure. It returns once
// an attempt is under way; when it runs off the end of the list every
// address has failed in this pass.
func (b *pickFirst) continuePass() {
	for ; b.next < len(b.addrs); b.next++ {
		s := b.subConnFor(b.addrs[b.next])
		switch s.state {
		case connectivity.Idle:
			s.sc.Connect()
			return
		case connectivity.Connecting:
			return // an attempt from before this pass; wait for its outcome
		case connectivity.Ready:
			b.becomeReady(s)
			return
		case connectivity.TransientFailure:
			// Still in backoff from a failure before this pass; b.lastErr
			// keeps the newest error, which may be newer than s's.
			s.failedInPass = true
		}
	}
	b.endPass()
}

// endPass enters sticky TRANSIENT_FAILURE: the channel fails calls fast
// with the last connection error, asks the resolver for fresh addresses,
// and every subchannel retries as soon as its backoff ends.
func (b *pickFirst) endPass() {
	b.phase = phaseRetrying
	b.failures = 0
	b.publish(connectivity.TransientFailure, balancer.ErrPicker(allFailedError(b.lastErr)))
	b.cc.ResolveNow()
	b.connectIdle()
}

// isCurrent tells whether s is the subchannel the first pass waits on.
func (b *pickFirst) isCurrent(s *subConn) bool {
	return b.next < len(b.addrs) && balancer.AddressKey(b.addrs[b.next]) == s.key
}
