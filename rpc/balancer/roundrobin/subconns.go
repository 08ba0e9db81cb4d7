package roundrobin

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/connectivity"
)

// makeSubConn makes s's subchannel and connects it. If the channel cannot
// make it, s counts as a failed backend until the next update.
func (b *roundRobin) makeSubConn(s *subConn) {
	sc, err := b.cc.NewSubConn(s.addr)
	if err != nil {
		s.state = connectivity.TransientFailure
		s.failing = true
		b.lastErr = fmt.Errorf("round_robin: cannot make a subchannel for %s: %w", s.addr, err)
		return
	}
	s.sc, s.state, s.failing = sc, connectivity.Idle, false
	b.bySC[sc] = s
	sc.Connect()
}

// remove forgets s and shuts its subchannel down; reports still on their
// way from it are then ignored.
func (b *roundRobin) remove(s *subConn) {
	delete(b.byKey, s.key)
	if s.sc != nil {
		delete(b.bySC, s.sc)
		s.sc.Shutdown()
	}
}

func (b *roundRobin) removeAll() {
	for _, s := range b.backends {
		b.remove(s)
	}
	b.backends = nil
}
