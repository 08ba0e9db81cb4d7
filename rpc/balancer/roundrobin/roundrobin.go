// Package roundrobin is the round_robin load-balancing policy: it keeps a
// connection to every backend the resolver lists and sends calls to the
// READY ones in turn.
//
// Behaviour, after gRPC's round_robin:
//   - Every address gets a subchannel, connected at once; one that goes
//     IDLE (backoff over, or connection lost) is connected again at once.
//   - The policy is READY while any backend is READY, else CONNECTING
//     while any is still trying for the first time, else
//     TRANSIENT_FAILURE, naming the last connection error.
//   - A backend that failed counts as failing until it is READY again, not
//     as CONNECTING on each retry, so the channel does not flap between
//     TRANSIENT_FAILURE and CONNECTING while every backend is down (the
//     sticky TRANSIENT_FAILURE of gRFC A62, per backend).
//   - Each picker starts at a random backend, so many clients do not all
//     send their first call to the first backend.
//
// Import the package for its side effect to register the policy.
package roundrobin

import (
	"math/rand/v2"

	"github.com/actorpc/actorpc/rpc/balancer"
)

// Name is the policy's name in service configs.
const Name = "round_robin"

func init() { balancer.Register(builder{}) }

type builder struct{}

func (builder) Name() string { return Name }

func (builder) Build(cc balancer.ClientConn, _ balancer.BuildOptions) balancer.Balancer {
	return newRoundRobin(cc, rand.IntN)
}
