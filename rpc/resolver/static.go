package resolver

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

func init() { Register(staticBuilder{}) }

// staticBuilder serves "static:///host1:port1,host2:port2": a fixed list of
// backends, for tests and for deployments that know their servers, without
// a DNS record to keep.
type staticBuilder struct{}

func (staticBuilder) Scheme() string { return "static" }

func (staticBuilder) Build(target Target, cc ClientConn, _ BuildOptions) (Resolver, error) {
	addrs, err := parseStaticList(target)
	if err != nil {
		return nil, err
	}
	// The error only says the channel has closed already; see passthrough.
	_ = cc.UpdateState(State{Addresses: addrs})
	return fixedResolver{}, nil
}

// parseStaticList checks every entry now, so that a typo fails the
// channel's creation instead of one backend's dial much later.
func parseStaticList(target Target) ([]Address, error) {
	if target.Authority != "" {
		return nil, fmt.Errorf("static: target %q names authority %q, which static does not use: write \"static:///host1:port1,host2:port2\" (three slashes)",
			target.Raw, target.Authority)
	}
	if strings.TrimSpace(target.Endpoint) == "" {
		return nil, fmt.Errorf("static: target %q: %w", target.Raw,
			errors.New(`no addresses: want "static:///host1:port1,host2:port2"`))
	}
	entries := strings.Split(target.Endpoint, ",")
	addrs := make([]Address, 0, len(entries))
	for i, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			return nil, fmt.Errorf("static: target %q: entry %d is empty (a stray comma?)", target.Raw, i+1)
		}
		if _, port, err := net.SplitHostPort(e); err != nil || port == "" {
			if err == nil {
				err = errors.New("empty port")
			}
			return nil, fmt.Errorf("static: target %q: entry %d (%q) is not \"host:port\": %w", target.Raw, i+1, e, err)
		}
		addrs = append(addrs, Address{Addr: e})
	}
	return addrs, nil
}
