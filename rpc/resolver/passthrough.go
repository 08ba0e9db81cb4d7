package resolver

import (
	"errors"
	"fmt"
)

func init() { Register(passthroughBuilder{}) }

// passthroughBuilder serves "passthrough:///host:port": the endpoint is
// handed to the dialer as is, with no lookup, for applications that
// resolve names themselves (or whose dialer does).
type passthroughBuilder struct{}

func (passthroughBuilder) Scheme() string { return "passthrough" }

func (passthroughBuilder) Build(target Target, cc ClientConn, _ BuildOptions) (Resolver, error) {
	if target.Endpoint == "" {
		return nil, fmt.Errorf("passthrough: target %q: %w", target.Raw,
			errors.New(`no address: want "passthrough:///host:port"`))
	}
	// The error only says the channel has closed already; it then closes
	// this resolver too, and there is nothing else to undo.
	_ = cc.UpdateState(State{Addresses: []Address{{Addr: target.Endpoint}}})
	return fixedResolver{}, nil
}
