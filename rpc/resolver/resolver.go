// Package resolver turns a target name into the addresses of its backends.
//
// A resolver is an actor: Build starts it (a goroutine if it has work to
// do in the background, as dns has), it pushes each new State to the
// channel with ClientConn.UpdateState, and Close ends it. Every edge
// between a resolver and its channel is never-blocking in both directions:
// UpdateState keeps only the newest state not yet taken, and ResolveNow is
// a hint that coalesces.
package resolver

import "time"

// Address is one backend.
type Address struct {
	// Addr is "host:port" for TCP, or the socket's path for Network "unix".
	Addr string
	// Network is "tcp" (also for "") or "unix".
	Network string
	// ServerName, when set, is this backend's :authority and TLS server
	// name instead of the channel's.
	ServerName string
}

// String is the address as logs and errors show it.
func (a Address) String() string {
	if a.Network == "unix" {
		return "unix:" + a.Addr
	}
	return a.Addr
}

// State is what a resolver knows of its target.
type State struct {
	Addresses []Address
	// ServiceConfig is the target's service config as JSON, "" for none
	// (the channel then uses the default one given as a dial option).
	ServiceConfig string
}

// ClientConn is the channel as its resolver sees it. Both methods are safe
// from any goroutine and never block.
type ClientConn interface {
	// UpdateState hands the channel a new state; a state not yet taken by
	// the channel is replaced. The error is non-nil only once the channel
	// has closed.
	UpdateState(State) error
	// ReportError tells the channel that resolving failed; it keeps the
	// last good state and fails calls that wait for a first one.
	ReportError(error)
}

// Resolver is a running resolver.
type Resolver interface {
	// ResolveNow asks for a new resolution soon (the channel calls it when
	// a backend fails). It never blocks; a resolver may rate-limit it.
	ResolveNow()
	// Close ends the resolver and waits for its goroutines. The channel
	// calls it once, and never while it is itself inside UpdateState.
	Close()
}

// BuildOptions are what the channel tells a builder besides the target.
type BuildOptions struct {
	// MinResolutionInterval is the least time between two resolutions a
	// resolver that queries the network should keep (dns). Zero means the
	// resolver's default.
	MinResolutionInterval time.Duration
}

// Builder makes resolvers for one scheme.
type Builder interface {
	// Scheme is the target scheme the builder serves, e.g. "dns".
	Scheme() string
	// Build starts a resolver for target that reports to cc.
	Build(target Target, cc ClientConn, opts BuildOptions) (Resolver, error)
}
