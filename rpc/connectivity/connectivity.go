// Package connectivity names the states of a channel and of its
// subchannels, as gRPC's connectivity-semantics spec defines them.
package connectivity

// State is a connectivity state.
type State int

const (
	// Idle: no connection, and none is being made until a call or Connect
	// asks for one.
	Idle State = iota
	// Connecting: a connection is being made.
	Connecting
	// Ready: a connection is up and takes calls.
	Ready
	// TransientFailure: the last attempt failed; the next waits for its
	// backoff.
	TransientFailure
	// Shutdown: closed for good.
	Shutdown
)

func (s State) String() string {
	switch s {
	case Idle:
		return "IDLE"
	case Connecting:
		return "CONNECTING"
	case Ready:
		return "READY"
	case TransientFailure:
		return "TRANSIENT_FAILURE"
	case Shutdown:
		return "SHUTDOWN"
	}
	return "INVALID_STATE"
}
