package chaos

import "sync"

// idHeader is the request metadata naming a call: the proxy reads it from
// the header blocks it forwards, the server counts calls by it.
const idHeader = "x-chaos-id"

// attemptSeen is one attempt of a call as the proxy saw it go by.
type attemptSeen struct {
	conn     int
	stream   uint32
	previous string // grpc-previous-rpc-attempts
	// refused: the stream was above the GOAWAY the proxy sent the
	// client, so the proxy kept all of it from the server.
	refused bool
}

// observer records, per call id, the attempts the proxy saw.
type observer struct {
	mu       sync.Mutex
	attempts map[string][]attemptSeen
}

func newObserver() *observer { return &observer{attempts: make(map[string][]attemptSeen)} }

func (o *observer) sent(id string, a attemptSeen) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.attempts[id] = append(o.attempts[id], a)
}

func (o *observer) of(id string) []attemptSeen {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]attemptSeen(nil), o.attempts[id]...)
}
