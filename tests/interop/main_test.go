package interop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine outlives the tests: every server
// process is stopped and waited for, and so is every client process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
