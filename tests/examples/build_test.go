package examples

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds one go build.
const buildTimeout = 5 * time.Minute

// grpcExamples is grpc-go's examples module, the version tests/go.mod
// requires (its programs are tools of the tests module).
const grpcExamples = "google.golang.org/grpc/examples"

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// binaries builds every program once per run: ours (examples/), grpc-go's
// (tools of the tests module) and grpc-go's sources ported by changing
// imports (portSources). It returns the directory they are in.
func binaries(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() { binDir, binErr = buildAll() })
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

// The programs, by the name of their binary.
var programs = []struct{ bin, pkg string }{
	{"ours-greeter-server", "github.com/actorpc/actorpc/examples/helloworld/greeter_server"},
	{"ours-greeter-client", "github.com/actorpc/actorpc/examples/helloworld/greeter_client"},
	{"ours-rg-server", "github.com/actorpc/actorpc/examples/route_guide/server"},
	{"ours-rg-client", "github.com/actorpc/actorpc/examples/route_guide/client"},
	{"grpc-greeter-server", grpcExamples + "/helloworld/greeter_server"},
	{"grpc-greeter-client", grpcExamples + "/helloworld/greeter_client"},
	{"grpc-rg-server", grpcExamples + "/route_guide/server"},
	{"grpc-rg-client", grpcExamples + "/route_guide/client"},
}

func buildAll() (string, error) {
	dir, err := os.MkdirTemp("", "actorpc-examples-")
	if err != nil {
		return "", err
	}
	testsModule, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	for _, p := range programs {
		if err := goBuild(testsModule, nil, filepath.Join(dir, p.bin), p.pkg); err != nil {
			return "", err
		}
	}
	if err := buildPorted(testsModule, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// goBuild runs go build in dir with env added to the environment.
func goBuild(dir string, env []string, out, pkg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if output, err := cmd.CombinedOutput(); err != nil {
		return &buildError{pkg: pkg, err: err, output: string(output)}
	}
	return nil
}

type buildError struct {
	pkg, output string
	err         error
}

func (e *buildError) Error() string {
	return "go build " + e.pkg + ": " + e.err.Error() + "\n" + e.output
}
