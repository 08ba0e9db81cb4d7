package rpc

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
)

// resolverUpdate applies a resolver's news: the service config it brings
// (or the default one), the balancer that config names, then the
// addresses, which go to the balancer.
func (a *channelActor) resolverUpdate(u resolverMsg) {
	if u.err != nil {
		a.resolverFailed(u.err)
		return
	}
	a.resolved = true
	a.resolverErr = nil
	if err := a.applyServiceConfig(u.state.ServiceConfig); err != nil {
		a.resolverFailed(err)
		return
	}
	err := a.lb.UpdateClientConnState(balancer.ClientConnState{ResolverState: *u.state, BalancerConfig: policyConfig(a.config, a.lbName)})
	if err != nil && a.resolver != nil {
		// The balancer could not use these addresses (none, say): ask
		// again. Resolvers rate-limit this themselves.
		a.resolver.ResolveNow()
	}
	a.repick()
}

// resolverFailed records a resolution error. Before any state arrived it
// fails the calls that do not wait for ready; afterwards the channel keeps
// using the last good state and the balancer decides.
func (a *channelActor) resolverFailed(err error) {
	a.resolverErr = fmt.Errorf("resolving %q: %w", a.cc.target, err)
	if a.lb != nil {
		a.lb.ResolverError(a.resolverErr)
	}
	if !a.resolved {
		a.connectivity.firstResolutionFailed()
		a.updateState()
		a.repick()
	}
}

// applyServiceConfig puts in force the config chooseServiceConfig picks
// for the resolver's js, and the policy that config names.
func (a *channelActor) applyServiceConfig(js string) error {
	cfg, err := chooseServiceConfig(js, a.cc.opts.disableServiceConfig, a.cc.opts.defaultServiceConfig, a.config, a.lb != nil)
	if err != nil {
		return err
	}
	a.config = cfg
	a.throttle = nil
	if cfg != nil && cfg.RetryThrottling != nil {
		a.throttle = serviceconfig.NewThrottle(*cfg.RetryThrottling)
	}
	a.switchBalancer(policyName(cfg, func(name string) bool { return balancer.Get(name) != nil }))
	a.pushHealthSetting()
	return nil
}

// switchBalancer replaces the balancer when the config names another
// policy. The old one shuts its subchannels down (their calls finish) and
// the new one starts from the addresses it is about to be given. Until
// it reports, the channel's state is the old policy's last.
func (a *channelActor) switchBalancer(name string) {
	if !switchesPolicy(a.lb != nil, a.lbName, name) {
		return
	}
	if a.lb != nil {
		a.lb.Close()
		a.picker = nil
	}
	a.lbName = name
	a.lb = a.buildBalancer(name) // policy_guard.go
}
