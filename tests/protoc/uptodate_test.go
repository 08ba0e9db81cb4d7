package protoc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGeneratedCodeIsUpToDate reruns every genproto go:generate line in
// the repository and fails when a committed file differs from the fresh
// output (stale or hand-edited), is missing, or when a package with such a
// line holds a .pb.go file no line produces (left over after a rename).
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	root := repoRoot(t)
	directives, err := FindDirectives(root)
	if err != nil {
		t.Fatal(err)
	}
	// The echo example's stubs are generated this way; finding none means
	// the search is broken, not that there is nothing to check.
	echo := filepath.Join(root, "cmd", "echo", "echopb", "gen.go")
	if !hasDirectiveIn(directives, echo) {
		t.Fatalf("no genproto go:generate line found in %s (found %d elsewhere)", echo, len(directives))
	}
	bins := buildPlugins(t)

	produced := map[string]bool{}      // every file a line generates
	dirsWithLines := map[string]bool{} // packages holding a line
	for _, d := range directives {
		where := rel(root, d.File) + ":" + itoa(d.Line)
		dir := filepath.Dir(d.File)
		dirsWithLines[dir] = true
		req, err := ParseArgs(d.Args, discard{})
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		files, err := Generate(context.Background(), req.Rebase(dir), bins)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		for _, f := range files {
			produced[f.Path] = true
			committed, err := os.ReadFile(f.Path)
			if err != nil {
				t.Errorf("%s generates %s, which is not committed: %v", where, rel(root, f.Path), err)
				continue
			}
			if !bytes.Equal(committed, f.Content) {
				t.Errorf("%s is stale or was edited by hand: it differs from what %s generates; run `go generate %s`\n%s",
					rel(root, f.Path), where, "./"+filepath.ToSlash(rel(root, dir)), firstDifference(committed, f.Content))
			}
		}
	}
	for dir := range dirsWithLines {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if strings.HasSuffix(e.Name(), ".pb.go") && !produced[p] {
				t.Errorf("%s looks generated but no go:generate line in its package produces it; delete it or regenerate", rel(root, p))
			}
		}
	}
}

func hasDirectiveIn(ds []Directive, file string) bool {
	for _, d := range ds {
		if d.File == file {
			return true
		}
	}
	return false
}

// firstDifference shows the first differing line, so the failure says
// what changed without dumping whole files.
func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || i >= len(al) || i >= len(bl) {
			return "line " + itoa(i+1) + ":\n  committed: " + x + "\n  generated: " + y
		}
	}
	return "(no line differs)"
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

// discard swallows flag usage output; ParseArgs errors say enough.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
