package roundrobin

import "github.com/actorpc/actorpc/rpc/resolver"

// addrKey is how two addresses are told apart: Network "" means "tcp", so
// "10.0.0.1:80" given both ways is one backend, not two subchannels.
func addrKey(a resolver.Address) resolver.Address {
	if a.Network == "" {
		a.Network = "tcp"
	}
	return a
}

// dedupe keeps the first of each address, in order: a backend listed twice
// gets one subchannel, and so its fair share of calls, not twice that.
func dedupe(addrs []resolver.Address) []resolver.Address {
	seen := make(map[resolver.Address]bool, len(addrs))
	out := make([]resolver.Address, 0, len(addrs))
	for _, a := range addrs {
		k := addrKey(a)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}
