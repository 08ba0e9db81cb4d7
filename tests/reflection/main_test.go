package reflection

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// grpcurlBin is the grpcurl binary TestMain builds for every test.
var grpcurlBin string

// buildTimeout bounds building grpcurl on a cold module cache.
const buildTimeout = 5 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "actorpc-reflection-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir for grpcurl:", err)
		os.Exit(1)
	}
	if err := buildGrpcurl(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(exitCode int) {
		os.RemoveAll(dir)
		os.Exit(exitCode)
	}))
}

// buildGrpcurl builds grpcurl into dir from the tests module (the package
// directory's parent), so its version is the one tests/go.mod requires.
func buildGrpcurl(dir string) error {
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	grpcurlBin = filepath.Join(dir, "grpcurl")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", grpcurlBin, "github.com/fullstorydev/grpcurl/cmd/grpcurl")
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building grpcurl in %s: %w\n%s", moduleDir, err, out)
	}
	return nil
}
