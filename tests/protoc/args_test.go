package protoc

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgsLikeProtoc(t *testing.T) {
	req, err := ParseArgs([]string{
		"-I", "protos", "--proto_path=more",
		"--go_out=.", "--go_opt=paths=source_relative", "--go_opt=Mx.proto=example.com/x",
		"--go-actorpc_out=require_unimplemented_servers=false:gen", "--go-actorpc_opt=paths=source_relative",
		"a.proto", "b/c.proto",
	}, discard{})
	if err != nil {
		t.Fatal(err)
	}
	want := Request{
		ImportPaths: []string{"protos", "more"},
		Files:       []string{"a.proto", "b/c.proto"},
		Plugins: []Plugin{
			{Name: "go", OutDir: ".", Parameter: "paths=source_relative,Mx.proto=example.com/x"},
			{Name: "go-actorpc", OutDir: "gen", Parameter: "require_unimplemented_servers=false,paths=source_relative"},
		},
	}
	if !reflect.DeepEqual(req, want) {
		t.Fatalf("ParseArgs = %+v, want %+v", req, want)
	}
}

func TestParseArgsRefusesNothingToDo(t *testing.T) {
	for _, args := range [][]string{
		{"--go_out=.", "--go-actorpc_out=."},
		{"a.proto"},
		{"--bogus", "a.proto"},
	} {
		if _, err := ParseArgs(args, discard{}); err == nil {
			t.Errorf("ParseArgs(%q) succeeded", args)
		}
	}
}

func TestSplitGenerateArgs(t *testing.T) {
	got, err := splitGenerateArgs(` -I . "--go_opt=a b" $GOFILE x$DOLLAR.proto`, filepath.Join("dir", "gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-I", ".", "--go_opt=a b", "gen.go", "x$.proto"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A proto that does not compile is an error naming the file, not a panic
// or empty output.
func TestGenerateReportsCompileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.proto"), []byte("syntax = \"proto3\";\nmessage M { nope x = 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(context.Background(), Request{
		ImportPaths: []string{dir},
		Files:       []string{filepath.Join(dir, "bad.proto")},
		Plugins:     []Plugin{{Name: "go-actorpc", OutDir: dir}},
	}, Binaries{"go-actorpc": "unused"})
	if err == nil || !strings.Contains(err.Error(), "bad.proto") {
		t.Fatalf("err = %v, want a compile error naming bad.proto", err)
	}
}

func TestGenerateRefusesFilesOutsideImportPaths(t *testing.T) {
	_, err := Generate(context.Background(), Request{
		ImportPaths: []string{t.TempDir()},
		Files:       []string{filepath.Join(t.TempDir(), "x.proto")},
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "not inside any import path") {
		t.Fatalf("err = %v", err)
	}
}
