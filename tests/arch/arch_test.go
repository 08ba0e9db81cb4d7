// Package arch holds the tests that keep the house rules of the library:
// actors own their state, so no library file may take a lock or use an
// atomic (DESIGN.md, rules of the house).
package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// forbidden are the sync types that share state behind a lock.
var forbidden = map[string]bool{"Mutex": true, "RWMutex": true, "Cond": true}

// TestNoLocksOrAtomicsInLibrary fails for any non-test Go file outside
// tests/ that uses sync.Mutex, sync.RWMutex, sync.Cond or imports
// sync/atomic.
func TestNoLocksOrAtomicsInLibrary(t *testing.T) {
	root := repoRoot(t)
	walkLibrary(t, root, func(rel string) bool { return rel == "tests" }, func(path, rel string) {
		for _, v := range violations(t, path) {
			t.Errorf("%s: %s", rel, v)
		}
	})
}

// TestDetectorFindsViolations proves the check can fail.
func TestDetectorFindsViolations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.go")
	src := "package bad\nimport (\n\tlocks \"sync\"\n\t\"sync/atomic\"\n)\nvar mu locks.Mutex\nvar c *locks.Cond\nvar n atomic.Int64\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := violations(t, path); len(got) != 3 {
		t.Fatalf("violations = %q, want the atomic import, Mutex and Cond", got)
	}
}

// violations parses one file and lists its forbidden uses, following the
// name the sync package was imported under.
func violations(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	var found []string
	syncName := ""
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		switch p {
		case "sync/atomic":
			found = append(found, "imports sync/atomic")
		case "sync":
			syncName = "sync"
			if imp.Name != nil {
				syncName = imp.Name.Name
			}
		}
	}
	if syncName == "" {
		return found
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == syncName && forbidden[sel.Sel.Name] {
			found = append(found, "uses sync."+sel.Sel.Name)
		}
		return true
	})
	return found
}
