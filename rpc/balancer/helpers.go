package balancer

import "github.com/actorpc/actorpc/rpc/resolver"

// This file holds what every policy needs the same way, so that each
// policy spells out only its own behaviour.

// ErrPicker returns a Picker that fails every call with err: what a policy
// publishes in TRANSIENT_FAILURE, with an error that says why calls fail.
// ErrPicker(ErrNoSubConnAvailable) instead makes every call wait for the
// policy's next picker: what a policy publishes while it is connecting.
//
// ErrPicker panics if err is nil: such a picker would return neither a
// subchannel nor an error, and the channel would hold every call without
// saying why.
func ErrPicker(err error) Picker {
	if err == nil {
		panic("balancer: ErrPicker(nil)")
	}
	return errPicker{err: err}
}

type errPicker struct{ err error }

func (p errPicker) Pick(PickInfo) (PickResult, error) { return PickResult{}, p.err }

// AddressKey is how two addresses are told apart, for a policy that keeps
// one subchannel a backend: Network "" means "tcp" (see resolver.Address),
// so "10.0.0.1:80" given both ways is one backend, not two subchannels. Use
// it, not the address itself, as the key of a map of backends.
func AddressKey(a resolver.Address) resolver.Address {
	if a.Network == "" {
		a.Network = "tcp"
	}
	return a
}

// DedupeAddresses keeps the first of each address (as AddressKey tells
// them apart), in the resolver's order: a resolver may list a backend
// twice, and a policy that made a subchannel for each would try it twice
// or give it twice its share of calls. The addresses kept are as given, not
// their keys. The result is a new slice, never addrs itself, so that a
// policy may reorder it (to shuffle, say) without changing the resolver's
// state.
func DedupeAddresses(addrs []resolver.Address) []resolver.Address {
	seen := make(map[resolver.Address]bool, len(addrs))
	out := make([]resolver.Address, 0, len(addrs))
	for _, a := range addrs {
		k := AddressKey(a)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}
