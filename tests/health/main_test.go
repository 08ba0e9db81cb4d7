package health

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// probeBin is grpc_health_probe (grpc-ecosystem/grpc-health-probe, a
// grpc-go client), built once for the package from the version the tests
// module requires. It runs as its own process: its grpc-go health proto
// and ours cannot share one protobuf registry.
var probeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "actorpc-health-probe")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(2)
	}
	probeBin = filepath.Join(dir, "grpc-health-probe")
	cmd := exec.Command("go", "build", "-o", probeBin, "github.com/grpc-ecosystem/grpc-health-probe")
	cmd.Dir = ".." // the tests module, whose go.mod pins the probe's version
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building grpc_health_probe: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}
