package examples

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// importSwaps is the whole port of a grpc-go program: each grpc-go import
// path becomes actorpc's, under the name the program already uses.
var importSwaps = map[string]string{
	"google.golang.org/grpc":                                 "github.com/actorpc/actorpc/rpc",
	"google.golang.org/grpc/codes":                           "github.com/actorpc/actorpc/rpc/codes",
	"google.golang.org/grpc/status":                          "github.com/actorpc/actorpc/rpc/status",
	"google.golang.org/grpc/metadata":                        "github.com/actorpc/actorpc/rpc/metadata",
	"google.golang.org/grpc/credentials":                     "github.com/actorpc/actorpc/rpc/credentials",
	"google.golang.org/grpc/credentials/insecure":            "github.com/actorpc/actorpc/rpc/credentials/insecure",
	"google.golang.org/grpc/examples/data":                   "github.com/actorpc/actorpc/examples/data",
	"google.golang.org/grpc/examples/helloworld/helloworld":  "github.com/actorpc/actorpc/examples/helloworld/helloworld",
	"google.golang.org/grpc/examples/route_guide/routeguide": "github.com/actorpc/actorpc/examples/route_guide/routeguide",
}

// ported are grpc-go's example programs built from their own sources with
// only the import lines changed.
var ported = []struct{ bin, src string }{
	{"ported-greeter-server", "helloworld/greeter_server/main.go"},
	{"ported-greeter-client", "helloworld/greeter_client/main.go"},
	{"ported-rg-server", "route_guide/server/server.go"},
	{"ported-rg-client", "route_guide/client/client.go"},
}

// buildPorted copies grpc-go's example sources (from the module cache, at
// the version tests/go.mod requires) into a module of their own that
// requires actorpc, swaps their imports, checks that nothing else
// changed, and builds them into dir.
func buildPorted(testsModule, dir string) error {
	src, err := moduleDir(testsModule, grpcExamples)
	if err != nil {
		return err
	}
	repoRoot := filepath.Dir(testsModule)
	mod, err := os.MkdirTemp("", "actorpc-ported-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(mod)
	goMod := fmt.Sprintf("module ported\n\ngo 1.26.0\n\nrequire github.com/actorpc/actorpc v0.0.0\n\nreplace github.com/actorpc/actorpc => %s\n", repoRoot)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(goMod), 0o644); err != nil {
		return err
	}
	// actorpc's own go.sum vouches for every module the ported programs
	// can reach: they import nothing actorpc does not.
	sums, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sums, 0o644); err != nil {
		return err
	}
	for _, p := range ported {
		original, err := os.ReadFile(filepath.Join(src, p.src))
		if err != nil {
			return err
		}
		swapped, err := swapImports(original)
		if err != nil {
			return fmt.Errorf("%s: %w", p.src, err)
		}
		if err := onlyImportsDiffer(original, swapped); err != nil {
			return fmt.Errorf("%s: %w", p.src, err)
		}
		pkgDir := filepath.Join(mod, p.bin)
		if err := os.MkdirAll(pkgDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(pkgDir, "main.go"), swapped, 0o644); err != nil {
			return err
		}
		env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
		if err := goBuild(mod, env, filepath.Join(dir, p.bin), "./"+p.bin); err != nil {
			return err
		}
	}
	return nil
}

// moduleDir is where the go command keeps module path's source.
func moduleDir(testsModule, path string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path)
	cmd.Dir = testsModule
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", path, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m %s: no directory (run go mod download)", path)
	}
	return dir, nil
}

// swapImports rewrites src's grpc-go import paths to actorpc's, in place
// (the lines keep their order). An import without a name gets the last
// element of its old path as its name when the new path's differs, so
// "google.golang.org/grpc" becomes grpc "github.com/actorpc/actorpc/rpc".
func swapImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), src...)
	for i := len(f.Imports) - 1; i >= 0; i-- { // from the end: offsets before stay valid
		imp := f.Imports[i]
		old, _ := strconv.Unquote(imp.Path.Value)
		repl, ok := importSwaps[old]
		if !ok {
			if strings.HasPrefix(old, "google.golang.org/grpc") {
				return nil, fmt.Errorf("import %q has no actorpc counterpart in the swap table", old)
			}
			continue
		}
		spec := strconv.Quote(repl)
		switch {
		case imp.Name != nil:
			spec = imp.Name.Name + " " + spec
		case path.Base(old) != path.Base(repl):
			spec = path.Base(old) + " " + spec
		}
		start, end := fset.Position(imp.Pos()).Offset, fset.Position(imp.End()).Offset
		out = append(out[:start:start], append([]byte(spec), out[end:]...)...)
	}
	return out, nil
}

// onlyImportsDiffer checks that the port changed import lines and nothing
// else: every line that differs must be an import of a swapped path.
func onlyImportsDiffer(original, swapped []byte) error {
	a, b := strings.Split(string(original), "\n"), strings.Split(string(swapped), "\n")
	if len(a) != len(b) {
		return fmt.Errorf("the port changed the number of lines (%d -> %d)", len(a), len(b))
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		if !strings.Contains(a[i], `"google.golang.org/grpc`) || !strings.Contains(b[i], `"github.com/actorpc/actorpc/`) {
			return fmt.Errorf("line %d changed beyond its import: %q -> %q", i+1, a[i], b[i])
		}
	}
	return nil
}
