// Package backoff computes how long a client waits before it tries to
// connect again, following gRPC's connection backoff spec
// (doc/connection-backoff.md in the gRPC repository).
//
// The delays grow exponentially so that a client facing a server that is
// down for hours does not flood it or the network, and they are randomised
// ("jitter") so that many clients that lost the same server at the same
// moment spread their reconnects out instead of arriving together.
//
// The package holds no state: the caller (a subchannel actor) keeps its own
// retry count and asks for the delay of the next attempt, so there is
// nothing to share and nothing to lock.
package backoff
