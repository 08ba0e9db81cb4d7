package roundrobin

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// UpdateSubConnState keeps every backend trying to connect and publishes
// the new aggregate state.
func (b *roundRobin) UpdateSubConnState(sc balancer.SubConn, st balancer.SubConnState) {
	if b.closed {
		return
	}
	s := b.bySC[sc]
	if s == nil || st.ConnectivityState == connectivity.Shutdown {
		return // shut down by us; its last reports do not matter
	}
	was := s.state
	s.state = st.ConnectivityState
	switch s.state {
	case connectivity.Idle:
		if was == connectivity.Ready {
			// A lost backend may have moved: ask for fresh addresses.
			b.cc.ResolveNow()
		}
		s.sc.Connect()
	case connectivity.TransientFailure:
		s.failing = true
		b.lastErr = st.ConnectionError
		if b.lastErr == nil {
			b.lastErr = fmt.Errorf("connecting to %s failed", s.addr)
		}
		b.cc.ResolveNow()
	case connectivity.Ready:
		s.failing = false
	}
	b.regeneratePicker(s.state == connectivity.TransientFailure)
}
