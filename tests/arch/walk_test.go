package arch

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// walkLibrary calls visit for every non-test Go file under root (path, and
// rel: relative to root), skipping hidden directories, testdata and every
// directory skip names (by its path relative to root). It fails the test
// when the walk fails, or when it found so few files that the root must be
// wrong.
func walkLibrary(t *testing.T, root string, skip func(rel string) bool, visit func(path, rel string)) {
	t.Helper()
	visited := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || skip(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			visited++
			visit(path, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	if visited < 20 {
		t.Fatalf("found only %d library files under %s: is the root right?", visited, root)
	}
}

// repoRoot is the main module's directory (tests/arch is two below it).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}
