package pickfirst

import "github.com/actorpc/actorpc/rpc/connectivity"

// Shorthands for the states the tests list.
const (
	connecting = connectivity.Connecting
	ready      = connectivity.Ready
	tf         = connectivity.TransientFailure
)
