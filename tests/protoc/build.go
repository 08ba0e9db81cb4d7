package protoc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// modulePath is the main module's path; its go.mod marks the repository
// root.
const modulePath = "github.com/actorpc/actorpc"

// Binaries maps a plugin's name NAME (as in --NAME_out) to the path of
// its protoc-gen-NAME executable.
type Binaries map[string]string

// RepoRoot walks up from dir to the directory whose go.mod declares the
// github.com/actorpc/actorpc module.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("protoc: finding the repository root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && declaresModule(data, modulePath) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("protoc: no go.mod of module %s above %s", modulePath, dir)
		}
	}
}

func declaresModule(goMod []byte, path string) bool {
	for _, line := range strings.Split(string(goMod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" && f[1] == path {
			return true
		}
	}
	return false
}

// BuildPlugins builds protoc-gen-go and protoc-gen-go-actorpc into binDir.
// Both are built in the main module alone (GOWORK=off): protoc-gen-go is
// then at the google.golang.org/protobuf version the main go.mod requires,
// the version of the runtime the generated code is compiled with.
func BuildPlugins(ctx context.Context, root, binDir string) (Binaries, error) {
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	b := Binaries{
		"go":         filepath.Join(binDir, "protoc-gen-go"+exe),
		"go-actorpc": filepath.Join(binDir, "protoc-gen-go-actorpc"+exe),
	}
	builds := []struct{ out, pkg string }{
		{b["go"], "google.golang.org/protobuf/cmd/protoc-gen-go"},
		{b["go-actorpc"], "./cmd/protoc-gen-go-actorpc"},
	}
	for _, build := range builds {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", build.out, build.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return Binaries{}, fmt.Errorf("protoc: building %s in %s: %w: %s", build.pkg, root, err, strings.TrimSpace(stderr.String()))
		}
	}
	return b, nil
}

// path returns the executable of protoc-gen-NAME.
func (b Binaries) path(name string) (string, error) {
	p, ok := b[name]
	if !ok || p == "" {
		return "", fmt.Errorf("protoc: no executable for plugin protoc-gen-%s", name)
	}
	return p, nil
}
