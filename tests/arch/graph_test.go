package arch

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The message graph lives twice: in the README's "Message graph" table,
// for people, and in a comment on every channel field of the library, for
// the people changing that field:
//
//	inbox chan connMsg // from: stream; blocks
//
// Several senders are separated by commas ("from: caller, handshake to
// server actor; blocks"). A field's receiver is the actor that owns the struct, named once in the
// struct's doc comment by a line "receiver: NAME"; a field received by
// someone else (a reply channel in a message) names it itself:
//
//	reply chan pickReply // from: channel actor to caller; never
//
// Several receivers are separated by commas too, and a field both sides
// of which differ by sender says so in two clauses ("from: stream to
// writer; blocks ... and from: connection to writer; never").
//
// These tests keep the two the same, so that neither can drift again.

// edge is one way messages travel, and whether sending on it can block.
type edge struct {
	from, to string
	blocks   bool
}

func (e edge) String() string {
	kind := "never"
	if e.blocks {
		kind = "blocks"
	}
	return fmt.Sprintf("%s -> %s (%s)", e.from, e.to, kind)
}

var (
	fromComment  = regexp.MustCompile(`from: ([a-zA-Z][a-zA-Z ,-]*?)(?: to ([a-zA-Z][a-zA-Z ,-]*?))?; (blocks|never)\b`)
	receiverLine = regexp.MustCompile(`(?m)^receiver: ([a-zA-Z][a-zA-Z ]*?)\.?\s*$`)
)

// TestMessageGraphMatchesREADME compares the edges the channel comments
// declare with the README's table, both ways.
func TestMessageGraphMatchesREADME(t *testing.T) {
	root := repoRoot(t)
	code, problems := codeEdges(t, root)
	for _, p := range problems {
		t.Error(p)
	}
	readme, err := readmeEdges(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(code) < 10 || len(readme) < 10 {
		t.Fatalf("found %d edges in code and %d in the README: is the parser right?", len(code), len(readme))
	}
	for _, d := range diffEdges(code, readme) {
		t.Error(d)
	}
}

// diffEdges lists the edges one side has and the other lacks.
func diffEdges(code map[edge][]string, readme map[edge]bool) []string {
	var out []string
	for e, where := range code {
		if !readme[e] {
			out = append(out, fmt.Sprintf("%s is in the code (%s) but not in the README's message graph", e, strings.Join(where, ", ")))
		}
	}
	for e := range readme {
		if _, ok := code[e]; !ok {
			out = append(out, fmt.Sprintf("%s is in the README's message graph but no channel field says so (or say \"not a channel field\" in its blocking column)", e))
		}
	}
	sort.Strings(out)
	return out
}

// graphDirs are the library's packages whose channels make the graph.
// actors/ and mailbox/ are the machinery every edge is built from; their
// channels carry whatever their users send.
func inGraph(rel string) bool {
	for _, skip := range []string{"tests", "examples", "cmd", "actors", "mailbox"} {
		if rel == skip || strings.HasPrefix(rel, skip+string(filepath.Separator)) {
			return false
		}
	}
	// Helpers for tests: rpc/resolver/internal/resolvertest, and the manual
	// resolver, whose channels carry what a test tells it.
	return !strings.HasSuffix(filepath.Base(rel), "test") && rel != filepath.Join("rpc", "resolver", "manual")
}

// codeEdges reads every channel field of the library's structs and its
// comment; problems lists the fields that do not say who sends on them.
func codeEdges(t *testing.T, root string) (map[edge][]string, []string) {
	t.Helper()
	edges := map[edge][]string{}
	var problems []string
	walkLibrary(t, root, func(rel string) bool { return !inGraph(rel) }, func(path, rel string) {
		fe, fp := fileEdges(t, path, rel)
		for e, where := range fe {
			edges[e] = append(edges[e], where...)
		}
		problems = append(problems, fp...)
	})
	return edges, problems
}

// fileEdges reads the channel fields of one file's struct types.
func fileEdges(t *testing.T, path, rel string) (map[edge][]string, []string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	edges := map[edge][]string{}
	var problems []string
	ast.Inspect(f, func(n ast.Node) bool {
		decl, ok := n.(*ast.GenDecl)
		if !ok || decl.Tok != token.TYPE {
			return true
		}
		for _, spec := range decl.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			doc := ts.Doc
			if doc == nil && len(decl.Specs) == 1 {
				doc = decl.Doc
			}
			receiver := ""
			if m := receiverLine.FindStringSubmatch(doc.Text()); m != nil {
				receiver = strings.ToLower(m[1])
			}
			for _, field := range st.Fields.List {
				if !isEdge(field.Type) {
					continue
				}
				where := fmt.Sprintf("%s:%d", rel, fset.Position(field.Pos()).Line)
				text := field.Doc.Text() + " " + field.Comment.Text()
				clauses := fromComment.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1)
				if clauses == nil {
					problems = append(problems, fmt.Sprintf("%s: %s.%s is a channel without a \"// from: SENDER; blocks|never\" comment", where, ts.Name.Name, fieldName(field)))
					continue
				}
				for _, m := range clauses {
					to := strings.ToLower(m[2])
					if to == "" {
						to = receiver
					}
					if to == "" {
						problems = append(problems, fmt.Sprintf("%s: %s.%s: who receives? say \"from: %s to RECEIVER\" or put a line \"receiver: NAME\" in %s's doc comment", where, ts.Name.Name, fieldName(field), m[1], ts.Name.Name))
						continue
					}
					for _, from := range strings.Split(m[1], ",") {
						for _, to := range strings.Split(to, ",") {
							e := edge{from: strings.ToLower(strings.TrimSpace(from)), to: strings.TrimSpace(to), blocks: m[3] == "blocks"}
							edges[e] = append(edges[e], where)
						}
					}
				}
			}
		}
		return true
	})
	return edges, problems
}

// isEdge tells whether a field's type carries messages between actors: a
// channel other than a timer's, or one of package mailbox's types.
func isEdge(t ast.Expr) bool {
	if ch, ok := t.(*ast.ChanType); ok {
		return !isTimer(ch)
	}
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch g := t.(type) {
	case *ast.IndexExpr:
		t = g.X
	case *ast.IndexListExpr:
		t = g.X
	}
	sel, ok := t.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "mailbox"
}

// isTimer tells a timer's channel (<-chan time.Time), which no actor
// sends on, from a message channel.
func isTimer(ch *ast.ChanType) bool {
	sel, ok := ch.Value.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "time" && sel.Sel.Name == "Time"
}

func fieldName(f *ast.Field) string {
	if len(f.Names) == 0 {
		return "(embedded)"
	}
	return f.Names[0].Name
}

// readmeEdges reads the rows of the table under "### Message graph":
// | A -> B | what it carries | blocks... / never... |
// A row whose blocking column says "not a channel field" (a cancel
// function, a hand-over of ownership, a channel local to a function) is
// not compared.
func readmeEdges(path string) (map[edge]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the README: %w", err)
	}
	defer f.Close()
	edges := map[edge]bool{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			in = strings.TrimSpace(line) == "### Message graph"
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		if len(cols) < 3 {
			continue
		}
		ends := strings.Split(cols[0], "->")
		kind := strings.TrimSpace(cols[len(cols)-1])
		if len(ends) != 2 || strings.Contains(kind, "not a channel field") {
			continue // the header, its rule, or a row that is not a channel
		}
		var blocks bool
		switch {
		case strings.HasPrefix(kind, "blocks"):
			blocks = true
		case strings.HasPrefix(kind, "never"):
		default:
			return nil, fmt.Errorf("README message graph row %q: the blocking column must start with \"blocks\" or \"never\"", line)
		}
		edges[edge{from: clean(ends[0]), to: clean(ends[1]), blocks: blocks}] = true
	}
	return edges, sc.Err()
}

func clean(s string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(s), "`")) }

// TestGraphCheckCanFail proves both directions of the comparison and the
// missing-comment check can fail.
func TestGraphCheckCanFail(t *testing.T) {
	dir := t.TempDir()
	src := `package p

// actor is an actor.
// receiver: connection
type actor struct {
	frames chan int // from: reader; blocks
	quiet chan int
	reply chan int // from: connection to stream; never
}

type msg struct {
	reply chan int // from: writer; never
}
`
	path := filepath.Join(dir, "p.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, problems := fileEdges(t, path, "p.go")
	if len(problems) != 2 {
		t.Fatalf("problems = %q, want the silent field and the one without a receiver", problems)
	}
	want := map[edge][]string{
		{from: "reader", to: "connection", blocks: true}: {"p.go:6"},
		{from: "connection", to: "stream"}:               {"p.go:8"},
	}
	if len(code) != len(want) {
		t.Fatalf("edges = %v, want %v", code, want)
	}
	readmePath := filepath.Join(dir, "README.md")
	readme := "# x\n### Message graph\n| edge | carries | blocking? |\n|---|---|---|\n" +
		"| reader -> connection | frames | blocks: back-pressure |\n" +
		"| writer -> connection | resets | never |\n" +
		"| connection -> stream context | cancel | never: not a channel field |\n## Next\n| a -> b | x | never |\n"
	if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	edges, err := readmeEdges(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	diff := diffEdges(code, edges)
	if len(diff) != 2 || !strings.Contains(diff[0], "connection -> stream (never) is in the code") || !strings.Contains(diff[1], "writer -> connection (never) is in the README") {
		t.Fatalf("diff = %q, want one edge missing on each side", diff)
	}
}
