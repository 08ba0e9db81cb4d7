package protoc

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// GenerateCommand is the go:generate prefix that runs genproto.
const GenerateCommand = "go run github.com/actorpc/actorpc/tests/cmd/genproto"

// Directive is one `//go:generate go run .../genproto ...` line.
type Directive struct {
	File string   // the Go file holding it
	Line int      // its line number
	Args []string // genproto's arguments, split and expanded as go generate does
}

// FindDirectives returns every genproto go:generate line in the Go files
// under root, skipping testdata, vendor and hidden directories as the go
// command does.
func FindDirectives(root string) ([]Directive, error) {
	var found []Directive
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		ds, err := directivesIn(path)
		found = append(found, ds...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("protoc: looking for go:generate lines under %s: %w", root, err)
	}
	return found, nil
}

func directivesIn(path string) ([]Directive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ds []Directive
	prefix := "//go:generate " + GenerateCommand
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line != prefix && !strings.HasPrefix(line, prefix+" ") {
			continue
		}
		args, err := splitGenerateArgs(strings.TrimPrefix(line, prefix), path)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		ds = append(ds, Directive{File: path, Line: n, Args: args})
	}
	return ds, sc.Err()
}

// splitGenerateArgs splits the rest of a go:generate line as go generate
// does: on spaces, with Go double-quoted strings as single arguments, and
// $GOFILE, $GOPACKAGE, $DOLLAR and environment variables expanded.
func splitGenerateArgs(s, goFile string) ([]string, error) {
	expand := func(v string) string {
		switch v {
		case "GOFILE":
			return filepath.Base(goFile)
		case "GOPACKAGE":
			return packageName(goFile)
		case "DOLLAR":
			return "$"
		}
		return os.Getenv(v)
	}
	var args []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return args, nil
		}
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoted argument in %q: %w", s, err)
			}
			arg, _ := strconv.Unquote(q)
			args = append(args, os.Expand(arg, expand))
			s = s[len(q):]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		args = append(args, os.Expand(s[:end], expand))
		s = s[end:]
	}
}

func packageName(goFile string) string {
	f, err := parser.ParseFile(token.NewFileSet(), goFile, nil, parser.PackageClauseOnly)
	if err != nil {
		return ""
	}
	return f.Name.Name
}
