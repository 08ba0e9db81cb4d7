package roundrobin

import (
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
)

// errNoAddresses is what an empty resolver update fails calls with.
var errNoAddresses = errors.New("round_robin: the resolver produced no addresses")

// rrPicker hands out the READY subchannels in turn. Picks run on the
// channel actor's goroutine one at a time, so next is a plain counter.
type rrPicker struct {
	ready []balancer.SubConn
	next  int
}

func (p *rrPicker) Pick(balancer.PickInfo) (balancer.PickResult, error) {
	sc := p.ready[p.next]
	p.next = (p.next + 1) % len(p.ready)
	return balancer.PickResult{SubConn: sc}, nil
}

// queuePicker makes calls wait for the next picker: backends are still
// connecting for the first time.
var queuePicker = balancer.ErrPicker(balancer.ErrNoSubConnAvailable)

// allFailedError is the TRANSIENT_FAILURE picker's error: it names the last
// connection error, which is what a user needs to see why calls fail.
func allFailedError(last error) error {
	if last == nil {
		return errors.New("round_robin: no backend is reachable")
	}
	return fmt.Errorf("round_robin: no backend is reachable; last connection error: %w", last)
}
