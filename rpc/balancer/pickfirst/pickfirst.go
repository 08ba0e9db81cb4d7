// Package pickfirst is the pick_first load-balancing policy, gRPC's
// default: it connects to one backend at a time, in the resolver's order,
// and sends every call to the first that connects.
//
// Behaviour, after gRPC's pick_first and gRFC A62:
//   - Addresses are tried one after the other; the next is tried when the
//     current one fails. While the first pass runs the policy is
//     CONNECTING.
//   - When every address has failed once the policy reports
//     TRANSIENT_FAILURE and stays there ("sticky"), retrying each address as
//     its backoff ends, until one connects: the channel fails fast instead of
//     flapping between CONNECTING and TRANSIENT_FAILURE.
//   - Once a backend is READY all other subchannels are shut down. When its
//     connection is lost the policy reconnects to it at once, and walks the
//     list again if that fails.
//   - A resolver update keeps the READY backend when its address is still
//     listed.
//   - The config {"shuffleAddressList": true} shuffles the addresses so
//     that clients given the same list spread over the backends.
//
// Import the package for its side effect to register the policy.
package pickfirst

import (
	"math/rand/v2"

	"github.com/actorpc/actorpc/rpc/balancer"
)

// Name is the policy's name in service configs.
const Name = "pick_first"

func init() { balancer.Register(builder{}) }

type builder struct{}

func (builder) Name() string { return Name }

func (builder) Build(cc balancer.ClientConn, _ balancer.BuildOptions) balancer.Balancer {
	return newPickFirst(cc, rand.Shuffle)
}
