package serviceconfig

import "encoding/json"

// Config is a parsed service config. It is never modified after Parse
// returns, so it may be read from any goroutine.
type Config struct {
	// LoadBalancing lists the load-balancing policies in the service
	// owner's order of preference. The channel uses the first one it has a
	// balancer for; this list may name policies this client does not know,
	// which is how a service owner rolls out a new policy to clients that
	// have it while older clients fall back. Nil means no policy was chosen
	// (the channel's default, pick_first, applies).
	LoadBalancing []LBPolicy

	// RetryThrottling, when set, bounds retries across the whole channel;
	// build a Throttle from it. Nil means retries are not throttled.
	RetryThrottling *Throttling

	// HealthCheck, when set, turns on client-side health checking (A17)
	// for the policies that use it. Nil means no health checking.
	HealthCheck *HealthCheckConfig

	// methods maps each configured name to its MethodConfig. A key with an
	// empty method is the default for a service, and the key with both
	// empty is the default for every method of every service.
	methods map[methodName]MethodConfig
}

// LBPolicy is one entry of loadBalancingConfig.
type LBPolicy struct {
	// Name is the policy's registered name, such as "round_robin".
	Name string
	// Config is the policy's own JSON config object, passed through
	// untouched because only the policy knows its schema (it validates it
	// when the channel picks it). It is nil for a policy named by the
	// deprecated loadBalancingPolicy field.
	Config json.RawMessage
}

// methodName is a "name" entry of a methodConfig.
type methodName struct {
	service string
	method  string
}
