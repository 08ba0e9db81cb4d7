package grpcinterop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine of actorpc or grpc-go outlives
// the tests: every test closes its clients and stops its servers.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
