package rpc

import (
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// balancerLink is the channel as its balancer sees it. The balancer calls
// it on the channel actor's goroutine (package balancer's contract), so
// it works on the actor's state directly.
type balancerLink struct{ a *channelActor }

var _ balancer.ClientConn = balancerLink{}

// NewSubConn spawns a subchannel actor for addr, in state IDLE.
func (l balancerLink) NewSubConn(addr resolver.Address) (balancer.SubConn, error) {
	if l.a.ctx.Err() != nil {
		return nil, ErrClientConnClosing
	}
	return l.a.spawnSubchannel(addr), nil
}

// UpdateState puts the balancer's picker in force and picks again for
// every call waiting.
func (l balancerLink) UpdateState(s balancer.State) {
	l.a.picker = s.Picker
	l.a.connectivity.policyReported(s.ConnectivityState)
	l.a.updateState()
	l.a.repick()
}

// ResolveNow asks the resolver for a fresh resolution.
func (l balancerLink) ResolveNow() {
	if l.a.resolver != nil {
		l.a.resolver.ResolveNow()
	}
}

// updateState puts in force the state channelConnectivity now gives and,
// when it changed, wakes those waiting for a change.
func (a *channelActor) updateState() {
	s := a.connectivity.state()
	if a.state == s {
		return
	}
	a.state = s
	for _, w := range a.watchers {
		w.reply <- s
	}
	a.watchers = a.watchers[:0]
}
