package protoc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the main module's directory, found from the test's working
// directory (tests/protoc).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// buildPlugins builds protoc-gen-go and protoc-gen-go-actorpc for one
// test; the build cache makes repeated builds cheap.
func buildPlugins(t *testing.T) Binaries {
	t.Helper()
	bins, err := BuildPlugins(context.Background(), repoRoot(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bins
}

// buildGRPCPlugin builds protoc-gen-go-grpc at the version the tests
// module requires (a tool of tests/go.mod), the reference our plugin's
// API is held to.
func buildGRPCPlugin(t *testing.T, bins Binaries) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "protoc-gen-go-grpc")
	runGo(t, ".", nil, "build", "-o", out, "google.golang.org/grpc/cmd/protoc-gen-go-grpc")
	bins["go-grpc"] = out
}

// runGo runs the go command in dir and fails the test with its output
// when it fails.
func runGo(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out.String())
	}
}

// writeFiles writes generated files, creating their directories.
func writeFiles(t *testing.T, files []File) {
	t.Helper()
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.Path, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
