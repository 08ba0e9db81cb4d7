package rpc

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/pickfirst"
	"github.com/actorpc/actorpc/rpc/connectivity"
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
	var lbConfig []byte
	if a.config != nil {
		for _, p := range a.config.LoadBalancing {
			if p.Name == a.lbName {
				lbConfig = p.Config
				break
			}
		}
	}
	err := a.lb.UpdateClientConnState(balancer.ClientConnState{ResolverState: *u.state, BalancerConfig: lbConfig})
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
		a.setState(connectivity.TransientFailure)
		a.repick()
	}
}

// applyServiceConfig puts the resolver's service config (JSON) in force,
// or the default one when it gives none or the application disabled
// resolver configs, and builds the balancer it names. A config that does
// not parse keeps the one in force, as gRPC's spec says; with none in
// force yet it is a resolution error.
func (a *channelActor) applyServiceConfig(js string) error {
	cfg := a.cc.opts.defaultServiceConfig
	if js != "" && !a.cc.opts.disableServiceConfig {
		parsed, err := serviceconfig.Parse(js)
		switch {
		case err == nil:
			cfg = parsed
		case a.lb != nil:
			cfg = a.config
		default:
			return fmt.Errorf("the resolver's service config is invalid: %w", err)
		}
	}
	a.config = cfg
	a.throttle = nil
	if cfg != nil && cfg.RetryThrottling != nil {
		a.throttle = serviceconfig.NewThrottle(*cfg.RetryThrottling)
	}
	a.switchBalancer(a.balancerName(cfg))
	a.pushHealthSetting()
	return nil
}

// balancerName is the first policy of the config's loadBalancingConfig
// that is registered; pick_first when there is none.
func (a *channelActor) balancerName(cfg *serviceconfig.Config) string {
	if cfg != nil {
		for _, p := range cfg.LoadBalancing {
			if balancer.Get(p.Name) != nil {
				return p.Name
			}
		}
	}
	return pickfirst.Name
}

// switchBalancer replaces the balancer when the config names another
// policy. The old one shuts its subchannels down (their calls finish) and
// the new one starts from the addresses it is about to be given.
func (a *channelActor) switchBalancer(name string) {
	if a.lb != nil && a.lbName == name {
		return
	}
	if a.lb != nil {
		a.lb.Close()
		a.picker = nil
	}
	a.lbName = name
	a.lb = a.buildBalancer(name) // policy_guard.go
}
