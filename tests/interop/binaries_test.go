package interop

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The four interop binaries, by role.
const (
	actorpcServer = "actorpc-server"
	actorpcClient = "actorpc-client"
	grpcServer    = "grpc-server"
	grpcClient    = "grpc-client"
)

// buildTimeout bounds one go build (grpc-go's client pulls in xDS, which
// takes a while on a cold cache).
const buildTimeout = 5 * time.Minute

// buildBinaries builds the four binaries into a temporary directory and
// returns their paths by role. It builds from the tests module, so that
// grpc-go's binaries are of the version the module requires.
func buildBinaries(t *testing.T) map[string]string {
	t.Helper()
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
		t.Fatalf("the tests module is not at %s: %v", moduleDir, err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the interop binaries: %v", err)
	}
	var actorpcFlags []string
	if raceEnabled {
		actorpcFlags = append(actorpcFlags, "-race")
	}
	builds := []struct {
		role, pkg string
		flags     []string
	}{
		{actorpcServer, "./interop/server", actorpcFlags},
		{actorpcClient, "./interop/client", actorpcFlags},
		{grpcServer, "google.golang.org/grpc/interop/server", nil},
		{grpcClient, "google.golang.org/grpc/interop/client", nil},
	}
	dir := t.TempDir()
	bins := make(map[string]string, len(builds))
	for _, b := range builds {
		out := filepath.Join(dir, b.role)
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		args := append(append([]string{"build", "-o", out}, b.flags...), b.pkg)
		cmd := exec.CommandContext(ctx, goTool, args...)
		cmd.Dir = moduleDir
		output, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, output)
		}
		bins[b.role] = out
	}
	return bins
}
