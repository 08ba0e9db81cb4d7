package roundrobin

import "github.com/actorpc/actorpc/rpc/connectivity"

// Shorthands for the states the tests list.
const (
	idle       = connectivity.Idle
	connecting = connectivity.Connecting
	ready      = connectivity.Ready
	tf         = connectivity.TransientFailure
)
