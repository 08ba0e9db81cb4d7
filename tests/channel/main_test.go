// Package channel tests the client channel end to end: resolvers
// (static, dns, manual, unix), the pick_first and round_robin balancers,
// subchannel reconnection and connectivity state, against real actorpc
// servers on loopback.
package channel

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
