package pickfirst

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// subConnFor returns the subchannel of addr, making it if there is none
// (or if making it failed before). A subchannel the channel cannot make
// is recorded as failed, so that the walk moves on instead of stalling.
func (b *pickFirst) subConnFor(addr resolver.Address) *subConn {
	key := balancer.AddressKey(addr)
	s := b.subs[key]
	if s != nil && s.sc != nil {
		return s
	}
	if s == nil {
		s = &subConn{addr: addr, key: key}
		b.subs[key] = s
	}
	sc, err := b.cc.NewSubConn(addr)
	if err != nil {
		s.state = connectivity.TransientFailure
		b.noteFailure(s, fmt.Errorf("pick_first: cannot make a subchannel for %s: %w", addr, err))
		return s
	}
	s.sc, s.state = sc, connectivity.Idle
	b.bySC[sc] = s
	return s
}

// shutdownUnlisted shuts down the subchannels whose address is no longer
// in b.addrs.
func (b *pickFirst) shutdownUnlisted() {
	listed := make(map[resolver.Address]bool, len(b.addrs))
	for _, a := range b.addrs {
		listed[balancer.AddressKey(a)] = true
	}
	for key, s := range b.subs {
		if !listed[key] {
			b.remove(s)
		}
	}
}

// shutdownAllBut keeps only keep, which has won.
func (b *pickFirst) shutdownAllBut(keep *subConn) {
	for _, s := range b.subs {
		if s != keep {
			b.remove(s)
		}
	}
}

func (b *pickFirst) shutdownAll() {
	for _, s := range b.subs {
		b.remove(s)
	}
	b.chosen = nil
}

// remove forgets s and shuts its subchannel down; reports still on their
// way from it are then ignored.
func (b *pickFirst) remove(s *subConn) {
	delete(b.subs, s.key)
	if s.sc != nil {
		delete(b.bySC, s.sc)
		s.sc.Shutdown()
	}
}

// connectIdle connects every IDLE subchannel, in address order: in
// phaseRetrying each one whose backoff has ended tries again.
func (b *pickFirst) connectIdle() {
	for _, a := range b.addrs {
		if s := b.subs[balancer.AddressKey(a)]; s != nil && s.sc != nil && s.state == connectivity.Idle {
			s.sc.Connect()
		}
	}
}

// liveCount is how many subchannels exist and can report.
func (b *pickFirst) liveCount() int { return len(b.bySC) }

// noteFailure records a failed attempt of s, whose error is now the
// newest.
func (b *pickFirst) noteFailure(s *subConn, err error) {
	if err == nil {
		err = fmt.Errorf("connecting to %s failed", s.addr)
	}
	b.lastErr = err
	s.failedInPass = true
}

var _ balancer.Balancer = (*pickFirst)(nil)
