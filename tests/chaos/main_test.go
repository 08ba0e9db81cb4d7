// Package chaos runs real actorpc clients and servers through a
// fault-injecting TCP proxy (dropped connections, with FIN or RST, delays,
// writes split into single bytes, stalled directions, injected GOAWAY)
// and checks that every call ends in time, with the right status and never
// a wrong message, that calls the client knows the server never saw are
// retried until they succeed, and that no goroutine leaks.
//
// The random test logs its seed; CHAOS_SEED=<seed> replays its fault plan.
package chaos

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
