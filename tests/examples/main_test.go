// Package examples runs the examples/ programs against grpc-go's own
// helloworld and route_guide programs, both ways, and proves the port:
// grpc-go's example sources, with only their import lines changed, build
// against actorpc's generated stubs and talk to grpc-go.
package examples

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine outlives the tests (every child
// process is waited for), and removes the binaries the tests built.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) {
		if binDir != "" {
			os.RemoveAll(binDir)
		}
	}))
}
