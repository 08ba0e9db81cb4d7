package pickfirst

import (
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
)

// errNoAddresses is what an empty resolver update fails calls with.
var errNoAddresses = errors.New("pick_first: the resolver produced no addresses")

// readyPicker sends every call to the one READY subchannel.
type readyPicker struct{ sc balancer.SubConn }

func (p readyPicker) Pick(balancer.PickInfo) (balancer.PickResult, error) {
	return balancer.PickResult{SubConn: p.sc}, nil
}

// queuePicker makes calls wait for the next picker: a connection attempt
// is under way.
var queuePicker = balancer.ErrPicker(balancer.ErrNoSubConnAvailable)

// allFailedError is the TRANSIENT_FAILURE picker's error: it names the last
// connection error, which is what a user needs to see why calls fail.
func allFailedError(last error) error {
	if last == nil {
		return errors.New("pick_first: every address failed to connect")
	}
	return fmt.Errorf("pick_first: every address failed to connect; last connection error: %w", last)
}
