package protoc

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testProtos are the protos under testdata, named relative to it. nogo
// has no go_package; genParams gives it one with an M option.
var testProtos = []string{
	"kinds/kinds.proto",
	"nogo/nogo.proto",
	"sub/a/a.proto",
	"sub/b/b.proto",
	"wkt/wkt.proto",
}

const genParams = "module=example.com/gen,Mnogo/nogo.proto=example.com/gen/nogo"

// generateTestProtos runs the named plugins over testdata into dir.
func generateTestProtos(t *testing.T, bins Binaries, dir string, plugins ...string) []File {
	t.Helper()
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	req := Request{ImportPaths: []string{td}}
	for _, p := range testProtos {
		req.Files = append(req.Files, filepath.Join(td, filepath.FromSlash(p)))
	}
	for _, name := range plugins {
		req.Plugins = append(req.Plugins, Plugin{Name: name, Parameter: genParams, OutDir: dir})
	}
	files, err := Generate(context.Background(), req, bins)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestPluginOutputCompiles generates messages and stubs for protos that
// cover every call kind, keyword-like and Client/Server-suffixed method
// names, several services per file, an empty service, a file without
// go_package, files in subdirectories importing each other and
// well-known-type imports, then builds and vets them, with application
// code written as for grpc-go stubs, in a module that uses this
// repository's rpc package.
func TestPluginOutputCompiles(t *testing.T) {
	root := repoRoot(t)
	bins := buildPlugins(t)
	mod := t.TempDir()
	files := generateTestProtos(t, bins, mod, "go", "go-actorpc")

	want := map[string]bool{}
	for _, p := range testProtos {
		stem := strings.TrimSuffix(p, ".proto")
		want[filepath.Join(mod, filepath.FromSlash(stem+".pb.go"))] = true
		want[filepath.Join(mod, filepath.FromSlash(stem+"_actorpc.pb.go"))] = true
	}
	for _, f := range files {
		if !want[f.Path] {
			t.Errorf("unexpected generated file %s", f.Path)
		}
		delete(want, f.Path)
	}
	for p := range want {
		t.Errorf("%s was not generated", p)
	}
	writeFiles(t, files)

	use, err := os.ReadFile(filepath.Join("testdata", "use.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, []File{
		{Path: filepath.Join(mod, "use", "use.go"), Content: use},
		{Path: filepath.Join(mod, "go.mod"), Content: []byte(tempGoMod(t, root))},
	})
	goSum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, []File{{Path: filepath.Join(mod, "go.sum"), Content: goSum}})

	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
	runGo(t, mod, env, "mod", "tidy")
	runGo(t, mod, env, "build", "./...")
	runGo(t, mod, env, "vet", "./...")
}

// tempGoMod is the go.mod of the module the generated code is compiled
// in: this repository replaces the actorpc requirement, and protobuf is
// at the main module's version.
func tempGoMod(t *testing.T, root string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var protobuf string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "google.golang.org/protobuf" {
			protobuf = f[1]
		}
	}
	if protobuf == "" {
		t.Fatalf("%s/go.mod does not require google.golang.org/protobuf", root)
	}
	return "module example.com/gen\n\ngo 1.26.0\n\n" +
		"require (\n\tgithub.com/actorpc/actorpc v0.0.0\n\tgoogle.golang.org/protobuf " + protobuf + "\n)\n\n" +
		"replace github.com/actorpc/actorpc => " + root + "\n"
}
