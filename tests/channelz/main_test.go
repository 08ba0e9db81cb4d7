// Package channelz reads an actorpc server's channelz with the clients
// operators use: grpc-go's own channelz stubs through a grpc-go channel,
// and grpcurl through server reflection, both pointed at
// `echo serve --admin-addr`. The server runs as its own process (the
// echo binary), as it would in production; that also keeps grpc-go's
// channelz.proto and ours out of one binary's protobuf registry.
package channelz

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

// The binaries the tests run, built once by TestMain.
var echoBin, grpcurlBin string

// buildTimeout bounds one go build on a cold module cache.
const buildTimeout = 5 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "actorpc-channelz-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(2)
	}
	echoBin = filepath.Join(dir, "echo")
	grpcurlBin = filepath.Join(dir, "grpcurl")
	for out, pkg := range map[string]string{
		echoBin:    "github.com/actorpc/actorpc/cmd/echo",
		grpcurlBin: "github.com/fullstorydev/grpcurl/cmd/grpcurl",
	} {
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
