package rpc

import (
	"context"

	"github.com/actorpc/actorpc/rpc/connectivity"
)

// stateWatch is a caller waiting to learn the channel's state, or a
// change of it away from from.
type stateWatch struct {
	ctx  context.Context
	from connectivity.State
	// reply: the state, or the change; room for the one reply.
	reply chan connectivity.State // from: channel actor to caller; never
}

// GetState is the channel's connectivity state: IDLE until the first call
// or Connect, then the balancer's aggregate, SHUTDOWN once closed.
func (cc *ClientConn) GetState() connectivity.State {
	w := &stateWatch{ctx: context.Background(), reply: make(chan connectivity.State, 1)}
	select {
	case cc.inbox <- getStateMsg{watch: w}:
	case <-cc.ref.Done():
		return connectivity.Shutdown
	}
	select {
	case s := <-w.reply:
		return s
	case <-cc.ref.Done():
		return connectivity.Shutdown
	}
}

// WaitForStateChange waits until the channel's state is not from, or ctx
// ends; it reports whether the state changed.
func (cc *ClientConn) WaitForStateChange(ctx context.Context, from connectivity.State) bool {
	w := &stateWatch{ctx: ctx, from: from, reply: make(chan connectivity.State, 1)}
	select {
	case cc.inbox <- watchStateMsg{watch: w}:
	case <-cc.ref.Done():
		return from != connectivity.Shutdown
	case <-ctx.Done():
		return false
	}
	select {
	case <-w.reply:
		return true
	case <-cc.ref.Done():
		return from != connectivity.Shutdown
	case <-ctx.Done():
		return false
	}
}

// Connect makes an IDLE channel resolve its target and connect, without
// waiting for a call. It does not block.
func (cc *ClientConn) Connect() {
	select {
	case cc.inbox <- connectMsg{}:
	case <-cc.ref.Done():
	}
}

// watch answers at once if the state already differs from w.from, else
// keeps w until it changes.
func (a *channelActor) watch(w *stateWatch) {
	if a.state != w.from {
		w.reply <- a.state
		return
	}
	if len(a.watchers) >= 16 && len(a.watchers) == cap(a.watchers) {
		live := a.watchers[:0]
		for _, old := range a.watchers {
			if old.ctx.Err() == nil {
				live = append(live, old)
			}
		}
		clear(a.watchers[len(live):])
		a.watchers = live
	}
	a.watchers = append(a.watchers, w)
}
