// Package echoserve points the tools operators already use at the
// `echo serve` binary, as they would in production: grpcurl lists,
// describes and calls it through server reflection, grpc_health_probe
// asks its health service, and a health Watch sees it go NOT_SERVING when
// it is told to stop, and h2spec, the HTTP/2 conformance suite, finds no
// fault in it.
package echoserve

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

// The binaries every test uses, built once by TestMain: echo from this
// repository, grpcurl and grpc_health_probe (both grpc-go programs) at
// the versions tests/go.mod requires.
var echoBin, grpcurlBin, probeBin, h2specBin string

// buildTimeout bounds one go build on a cold module cache.
const buildTimeout = 5 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "actorpc-echoserve-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(2)
	}
	echoBin = filepath.Join(dir, "echo")
	grpcurlBin = filepath.Join(dir, "grpcurl")
	probeBin = filepath.Join(dir, "grpc_health_probe")
	h2specBin = filepath.Join(dir, "h2spec")
	builds := map[string]string{
		echoBin:    "github.com/actorpc/actorpc/cmd/echo",
		grpcurlBin: "github.com/fullstorydev/grpcurl/cmd/grpcurl",
		probeBin:   "github.com/grpc-ecosystem/grpc-health-probe",
		h2specBin:  "github.com/summerwind/h2spec/cmd/h2spec",
	}
	for out, pkg := range builds {
		if err := build(out, pkg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.RemoveAll(dir)
			os.Exit(2)
		}
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}

// build runs go build in the tests module (the parent directory).
func build(out, pkg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = ".."
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, output)
	}
	return nil
}
