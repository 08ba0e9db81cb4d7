package resolver

import (
	"errors"
	"fmt"
)

func init() { Register(unixBuilder{}) }

// unixBuilder serves Unix domain sockets: "unix:relative/path" and
// "unix:///absolute/path" (also "unix:/absolute/path"), as in gRPC's
// naming spec.
type unixBuilder struct{}

func (unixBuilder) Scheme() string { return "unix" }

func (unixBuilder) Build(target Target, cc ClientConn, _ BuildOptions) (Resolver, error) {
	if target.Authority != "" {
		return nil, fmt.Errorf("unix: target %q names authority %q, which a socket path cannot have: write \"unix:///abs/path\" (three slashes) or \"unix:rel/path\"",
			target.Raw, target.Authority)
	}
	// Endpoint has lost the path's leading "/", so take the path from the
	// URL: "unix:///abs" has Path "/abs", "unix:rel" has Opaque "rel".
	path := target.URL.Path
	if path == "" {
		path = target.URL.Opaque
	}
	if path == "" {
		return nil, fmt.Errorf("unix: target %q: %w", target.Raw,
			errors.New(`no socket path: want "unix:///abs/path" or "unix:rel/path"`))
	}
	// The error only says the channel has closed already; see passthrough.
	_ = cc.UpdateState(State{Addresses: []Address{{Addr: path, Network: "unix"}}})
	return fixedResolver{}, nil
}
