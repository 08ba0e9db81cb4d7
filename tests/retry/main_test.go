// Package retry tests the client channel's retries (gRPC's A6 design:
// retry policies, throttling, pushback, transparent retries), the
// service config's per-method settings and keepalive, against real
// servers on loopback TCP.
package retry

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
