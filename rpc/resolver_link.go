package rpc

import (
	"github.com/actorpc/actorpc/rpc/resolver"
)

// resolverMsg is a resolver's news: a new state, or an error.
type resolverMsg struct {
	state *resolver.State
	err   error
}

// resolverLink is the channel as its resolver sees it (resolver.ClientConn).
// updates holds one message: a newer state replaces one the channel has
// not taken, so a resolver never waits for its channel, and the channel
// never waits for its resolver (ResolveNow is the resolver's own
// never-blocking signal).
type resolverLink struct {
	// updates holds the resolver's newest news: one slot, a newer state
	// replaces one not yet taken. from: resolver to channel actor; never
	updates chan resolverMsg
	// closed is closed when the channel stops listening.
	// from: channel actor to resolver; never
	closed chan struct{}
}

var _ resolver.ClientConn = (*resolverLink)(nil)

func newResolverLink() *resolverLink {
	return &resolverLink{updates: make(chan resolverMsg, 1), closed: make(chan struct{})}
}

// UpdateState hands the channel s, replacing a state it has not taken yet.
func (l *resolverLink) UpdateState(s resolver.State) error {
	msg := resolverMsg{state: &s}
	for {
		select {
		case <-l.closed:
			return ErrClientConnClosing
		case l.updates <- msg:
			return nil
		default:
		}
		// Full: drop what waits (older) and try again. Only another
		// sender can refill it meanwhile, so this ends.
		select {
		case <-l.updates:
		default:
		}
	}
}

// ReportError tells the channel resolving failed. A state waiting to be
// taken is kept: its addresses are worth more than the news that a later
// refresh failed.
func (l *resolverLink) ReportError(err error) {
	select {
	case <-l.closed:
	case l.updates <- resolverMsg{err: err}:
	default:
	}
}

func (l *resolverLink) close() { close(l.closed) }
