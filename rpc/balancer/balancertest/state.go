package balancertest

import (
	"testing"

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

// Resolve hands b a Resolved update of addrs; an error from b fails the
// test.
func Resolve(t testing.TB, b balancer.Balancer, addrs ...string) {
	t.Helper()
	if err := b.UpdateClientConnState(Resolved(addrs...)); err != nil {
		t.Fatalf("balancertest: the balancer refused %v: %v", addrs, err)
	}
}
