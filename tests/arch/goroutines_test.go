package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// goAllowed are the top directories of the main module where a `go`
// statement is not library code: actors/ is the one place that starts
// goroutines; tests/ is its own module; cmd/ and examples/ are programs a
// user writes (the echo tool, helloworld, route_guide), which use the
// library as any user would and start their own goroutines.
var goAllowed = map[string]bool{"actors": true, "tests": true, "cmd": true, "examples": true}

// TestNoGoStatementsInLibrary fails for any `go` statement in a non-test
// Go file of the library: every goroutine starts through actors.Spawn, so
// that it has a parent, a name and an exit reason (DESIGN.md, rule 7).
func TestNoGoStatementsInLibrary(t *testing.T) {
	root := repoRoot(t)
	walkLibrary(t, root, func(rel string) bool { return goAllowed[rel] }, func(path, rel string) {
		for _, pos := range goStatements(t, path) {
			t.Errorf("%s:%d: a bare go statement; start the goroutine with actors.Spawn", rel, pos.Line)
		}
	})
}

// TestGoDetectorFindsStatements proves the check can fail: a go statement
// in a function literal, in a method, and one in a comment that is not.
func TestGoDetectorFindsStatements(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.go")
	src := `package bad

// go work() in a comment is no statement
func (x *T) m() { go x.m() }

var f = func() {
	go func() {}()
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := goStatements(t, path)
	if len(got) != 2 || got[0].Line != 4 || got[1].Line != 7 {
		t.Fatalf("go statements at %v, want lines 4 and 7", got)
	}
}

// goStatements parses one file and lists where its go statements are.
func goStatements(t *testing.T, path string) []token.Position {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	var found []token.Position
	ast.Inspect(f, func(n ast.Node) bool {
		if g, ok := n.(*ast.GoStmt); ok {
			found = append(found, fset.Position(g.Go))
		}
		return true
	})
	return found
}
