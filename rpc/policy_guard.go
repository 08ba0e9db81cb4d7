package rpc

import (
	"fmt"
	"log/slog"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/status"
)

// The channel actor runs its load-balancing policy, its picker and its
// resolver's methods on its own goroutine. A panic there must not end the
// channel (every call on it would fail at once, silently), nor crash the
// process. What the channel does instead:
//
//   - a picker that panics fails that one pick with Internal; the channel
//     keeps its state and picks again with the same picker next time;
//   - a policy that panics (Build or any method) is not trusted again: the
//     channel shuts its subchannels down and goes TRANSIENT_FAILURE, with a
//     picker that fails every call with Unavailable, until the service
//     config names another policy or the channel is closed;
//   - a resolver whose Build panics fails as a resolver error (calls fail
//     Unavailable, the channel is TRANSIENT_FAILURE); one whose ResolveNow
//     panics reports the panic as its error and is not asked again.
//
// Each is logged, and Inspect's channel state names it (policy_panic=,
// resolver_error=).

// guardedBalancer runs a policy's methods under recover.
type guardedBalancer struct {
	a      *channelActor
	name   string
	inner  balancer.Balancer // nil once it panicked
	broken error             // why it is no longer called
}

// buildBalancer builds the policy name under recover.
func (a *channelActor) buildBalancer(name string) *guardedBalancer {
	g := &guardedBalancer{a: a, name: name}
	defer g.recover("Build")
	g.inner = balancer.Get(name).Build(balancerLink{a}, balancer.BuildOptions{Target: a.cc.target})
	return g
}

// recover is deferred by each method: a panic disables the policy.
func (g *guardedBalancer) recover(method string) {
	v := recover()
	if v == nil {
		return
	}
	g.inner = nil
	g.broken = fmt.Errorf("the load-balancing policy %q panicked in %s: %v", g.name, method, v)
	g.a.cc.opts.logger.Error("rpc: a load-balancing policy panicked; the channel fails its calls until the policy changes",
		"target", g.a.cc.target, "policy", g.name, "method", method, "panic", fmt.Sprint(v))
	a := g.a
	a.picker = failPicker{status.New(codes.Unavailable, g.broken.Error())}
	for sc := range a.subchannels {
		a.removeSubchannel(sc)
	}
	a.connectivity.policyReported(connectivity.TransientFailure)
	a.updateState()
}

func (g *guardedBalancer) UpdateClientConnState(s balancer.ClientConnState) error {
	if g.inner == nil {
		return nil // broken: asking the resolver again would not help
	}
	defer g.recover("UpdateClientConnState")
	return g.inner.UpdateClientConnState(s)
}

func (g *guardedBalancer) ResolverError(err error) {
	if g.inner == nil {
		return
	}
	defer g.recover("ResolverError")
	g.inner.ResolverError(err)
}

func (g *guardedBalancer) UpdateSubConnState(sc balancer.SubConn, s balancer.SubConnState) {
	if g.inner == nil {
		return
	}
	defer g.recover("UpdateSubConnState")
	g.inner.UpdateSubConnState(sc, s)
}

func (g *guardedBalancer) ExitIdle() {
	if g.inner == nil {
		return
	}
	defer g.recover("ExitIdle")
	g.inner.ExitIdle()
}

func (g *guardedBalancer) Close() {
	if g.inner == nil {
		return
	}
	defer g.recover("Close")
	g.inner.Close()
}

// failPicker fails every pick with its status.
type failPicker struct{ st *status.Status }

func (p failPicker) Pick(balancer.PickInfo) (balancer.PickResult, error) {
	return balancer.PickResult{}, p.st.Err()
}

// pickGuarded is picker.Pick under recover: a panic fails this pick with
// Internal.
func (a *channelActor) pickGuarded(picker balancer.Picker, info balancer.PickInfo) (res balancer.PickResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			a.cc.opts.logger.Error("rpc: a picker panicked; its call ended with Internal", "target", a.cc.target, "policy", a.lbName, "panic", fmt.Sprint(v))
			err = status.Errorf(codes.Internal, "grpc: the picker of load-balancing policy %q panicked: %v", a.lbName, v)
		}
	}()
	return picker.Pick(info)
}

// buildResolver is the builder's Build under recover.
func (a *channelActor) buildResolver() (r resolver.Resolver, err error) {
	defer func() {
		if v := recover(); v != nil {
			a.cc.opts.logger.Error("rpc: a resolver's Build panicked", "target", a.cc.target, "panic", fmt.Sprint(v))
			r, err = nil, fmt.Errorf("the resolver's Build panicked: %v", v)
		}
	}()
	r, err = a.builder.Build(a.target, a.resolverIn, resolver.BuildOptions{})
	if err != nil || r == nil {
		return r, err
	}
	return &guardedResolver{inner: r, link: a.resolverIn, target: a.cc.target, log: a.cc.opts.logger}, nil
}

// guardedResolver runs a resolver's methods under recover. A panic is
// reported as the resolver's error, through the link as the resolver
// itself would (so that the channel handles it in its own turn, not
// inside whatever called ResolveNow), and the resolver is not asked again.
type guardedResolver struct {
	inner  resolver.Resolver
	link   resolver.ClientConn
	target string
	log    *slog.Logger
	broken bool
}

func (g *guardedResolver) recover(method string) {
	v := recover()
	if v == nil {
		return
	}
	g.broken = true
	g.log.Error("rpc: a resolver panicked", "target", g.target, "method", method, "panic", fmt.Sprint(v))
	g.link.ReportError(fmt.Errorf("the resolver panicked in %s: %v", method, v))
}

func (g *guardedResolver) ResolveNow() {
	if g.broken {
		return
	}
	defer g.recover("ResolveNow")
	g.inner.ResolveNow()
}

func (g *guardedResolver) Close() {
	defer g.recover("Close")
	g.inner.Close()
}

// Actor is the resolver's actor, when it has one (channel_children.go).
func (g *guardedResolver) Actor() *actors.Ref {
	if r, ok := g.inner.(actorResolver); ok {
		return r.Actor()
	}
	return nil
}

// troubles is what describe adds about the policy and the resolver: why
// the policy was disabled, the resolver's last error.
func (a *channelActor) troubles() string {
	var s string
	if g, ok := a.lb.(*guardedBalancer); ok && g.broken != nil {
		s += fmt.Sprintf(" policy_panic=%q", g.broken.Error())
	}
	if a.resolverErr != nil {
		s += fmt.Sprintf(" resolver_error=%q", a.resolverErr.Error())
	}
	return s
}
