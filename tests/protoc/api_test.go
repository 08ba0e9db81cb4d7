package protoc

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
)

// grpcImportSwap is the import change that ports grpc-go code.
var grpcImportSwap = map[string]string{
	"google.golang.org/grpc":        "github.com/actorpc/actorpc/rpc",
	"google.golang.org/grpc/codes":  "github.com/actorpc/actorpc/rpc/codes",
	"google.golang.org/grpc/status": "github.com/actorpc/actorpc/rpc/status",
}

// TestPluginMatchesGRPCGoAPI runs protoc-gen-go-grpc v1.5.1 and
// protoc-gen-go-actorpc over the same protos and compares, file by file,
// every top-level declaration (exported or not): type definitions and
// aliases, function and method signatures, constants with their values,
// the ServiceDesc literals, the imports after the import swap, which
// declarations are marked Deprecated, and the doc comments of interface
// methods. Equal declarations mean code written against grpc-go's stubs
// compiles against ours, including the mustEmbed and testEmbeddedByValue
// checks.
func TestPluginMatchesGRPCGoAPI(t *testing.T) {
	bins := buildPlugins(t)
	buildGRPCPlugin(t, bins)
	dir := t.TempDir()
	theirs := byStem(generateTestProtos(t, bins, dir, "go-grpc"), "_grpc.pb.go")
	ours := byStem(generateTestProtos(t, bins, dir, "go-actorpc"), "_actorpc.pb.go")
	if len(theirs) == 0 || len(theirs) != len(ours) {
		t.Fatalf("protoc-gen-go-grpc wrote %d files, protoc-gen-go-actorpc %d", len(theirs), len(ours))
	}
	for stem, theirSrc := range theirs {
		ourSrc, ok := ours[stem]
		if !ok {
			t.Errorf("%s: protoc-gen-go-actorpc wrote no stubs", stem)
			continue
		}
		want := apiOf(t, stem+"_grpc.pb.go", theirSrc, grpcImportSwap)
		got := apiOf(t, stem+"_actorpc.pb.go", ourSrc, nil)
		compareAPI(t, rel(dir, stem), want, got)
	}
}

// TestPluginCarriesServiceComments checks that each service's leading
// proto comment reaches the doc of its XClient and XServer interfaces.
func TestPluginCarriesServiceComments(t *testing.T) {
	bins := buildPlugins(t)
	dir := t.TempDir()
	ours := byStem(generateTestProtos(t, bins, dir, "go-actorpc"), "_actorpc.pb.go")
	td, _ := filepath.Abs("testdata")
	protos, err := Compile(t.Context(), []string{td}, testProtos)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := protodesc.NewFiles(&descriptorpb.FileDescriptorSet{File: protos})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range testProtos {
		fd, err := reg.FindFileByPath(p)
		if err != nil {
			t.Fatal(err)
		}
		api := apiOf(t, p, ours[filepath.Join(dir, strings.TrimSuffix(filepath.FromSlash(p), ".proto"))], nil)
		for i := 0; i < fd.Services().Len(); i++ {
			s := fd.Services().Get(i)
			comment := strings.TrimSpace(fd.SourceLocations().ByDescriptor(s).LeadingComments)
			if comment == "" {
				continue
			}
			for _, suffix := range []string{"Client", "Server"} {
				name := string(s.Name()) + suffix
				if !strings.Contains(api.docs[name], firstLine(comment)) {
					t.Errorf("%s: doc of %s lacks the service comment %q:\n%s", p, name, firstLine(comment), api.docs[name])
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no service comments to check in testdata")
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func byStem(files []File, suffix string) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f.Path, suffix) {
			m[strings.TrimSuffix(f.Path, suffix)] = f.Content
		}
	}
	return m
}

// api is what compareAPI compares of one generated file.
type api struct {
	decls   map[string]string // declaration key -> its printed form
	imports map[string]string // import path -> name
	docs    map[string]string // type name -> its doc comment
}

func apiOf(t *testing.T, name string, src []byte, swap map[string]string) api {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatalf("%s does not parse: %v", name, err)
	}
	a := api{decls: map[string]string{}, imports: map[string]string{}, docs: map[string]string{}}
	print := func(n ast.Node) string {
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, n); err != nil {
			t.Fatal(err)
		}
		// interface{} and any are the same type; the plugins spell it
		// differently.
		return strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "interface{}", "any")), " ")
	}
	deprecated := func(doc *ast.CommentGroup) string {
		if doc != nil && strings.Contains(doc.Text(), "Deprecated:") {
			return " [deprecated]"
		}
		return ""
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if to, ok := swap[path]; ok {
			path = to
		}
		a.imports[path] = imp.Name.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			key := "func " + d.Name.Name
			if d.Recv != nil {
				key = "method (" + print(d.Recv.List[0].Type) + ")." + d.Name.Name
			}
			a.decls[key] = print(d.Type) + deprecated(d.Doc)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					form := print(s.Type)
					if s.Assign.IsValid() {
						form = "= " + form
					}
					a.decls["type "+s.Name.Name] = form + deprecated(d.Doc)
					a.docs[s.Name.Name] = d.Doc.Text()
					if it, ok := s.Type.(*ast.InterfaceType); ok {
						for _, m := range it.Methods.List {
							if len(m.Names) == 1 {
								a.decls["doc "+s.Name.Name+"."+m.Names[0].Name] = m.Doc.Text()
							}
						}
					}
				case *ast.ValueSpec:
					for i, n := range s.Names {
						kind := d.Tok.String() + " " + n.Name
						if n.Name == "_" {
							kind += " " + print(s.Values[i])
						}
						a.decls[kind] = print(s.Values[i])
					}
				}
			}
		}
	}
	return a
}

func compareAPI(t *testing.T, stem string, want, got api) {
	t.Helper()
	keys := map[string]bool{}
	for k := range want.decls {
		keys[k] = true
	}
	for k := range got.decls {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		w, inWant := want.decls[k]
		g, inGot := got.decls[k]
		switch {
		case !inGot:
			t.Errorf("%s: protoc-gen-go-actorpc lacks %s (grpc-go: %s)", stem, k, w)
		case !inWant:
			t.Errorf("%s: protoc-gen-go-actorpc adds %s: %s", stem, k, g)
		case w != g:
			t.Errorf("%s: %s differs\n  grpc-go: %s\n  actorpc: %s", stem, k, w, g)
		}
	}
	for path, name := range want.imports {
		if got.imports[path] != name {
			t.Errorf("%s: import %s is named %q, want %q as grpc-go's stubs after the import swap", stem, path, got.imports[path], name)
		}
	}
	if len(want.imports) != len(got.imports) {
		t.Errorf("%s: imports %v, want %v", stem, got.imports, want.imports)
	}
}
