package balancertest

import (
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// Resolved is a resolver update of TCP addresses, in the given order, with
// no policy config: what most tests hand UpdateClientConnState.
func Resolved(addrs ...string) balancer.ClientConnState {
	s := balancer.ClientConnState{}
	for _, a := range addrs {
		s.ResolverState.Addresses = append(s.ResolverState.Addresses, resolver.Address{Addr: a})
	}
	return s
}
