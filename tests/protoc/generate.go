package protoc

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"google.golang.org/protobuf/types/pluginpb"
)

// Plugin is one code generator to run, with protoc's --NAME_out and
// --NAME_opt: Name is "go" or "go-actorpc" (protoc-gen-NAME), Parameter
// its comma-separated options, OutDir where its files are written.
type Plugin struct {
	Name      string
	Parameter string
	OutDir    string
}

// Request is one protoc invocation.
type Request struct {
	ImportPaths []string // -I; protoc's default is the current directory
	Files       []string // the .proto files to generate code for
	Plugins     []Plugin
}

// File is one generated file. Path is where protoc would write it: the
// plugin's output directory joined with the name the plugin chose.
type File struct {
	Path    string
	Content []byte
}

// Generate compiles the request's files and runs each plugin over them,
// returning every file the plugins produced, sorted by path. Nothing is
// written to disk.
func Generate(ctx context.Context, r Request, bins Binaries) ([]File, error) {
	importPaths := r.ImportPaths
	if len(importPaths) == 0 {
		importPaths = []string{"."}
	}
	files := make([]string, len(r.Files))
	for i, f := range r.Files {
		name, err := relativeToImportPath(importPaths, f)
		if err != nil {
			return nil, err
		}
		files[i] = name
	}
	protos, err := Compile(ctx, importPaths, files)
	if err != nil {
		return nil, err
	}
	var out []File
	seen := map[string]string{}
	for _, p := range r.Plugins {
		req := &pluginpb.CodeGeneratorRequest{
			FileToGenerate: files,
			ProtoFile:      protos,
			// No CompilerVersion: this is not protoc, and the generated
			// headers then read the same on every machine.
		}
		if p.Parameter != "" {
			req.Parameter = &p.Parameter
		}
		binary, err := bins.path(p.Name)
		if err != nil {
			return nil, err
		}
		resp, err := RunPlugin(ctx, binary, req)
		if err != nil {
			return nil, err
		}
		for _, f := range resp.File {
			if f.GetInsertionPoint() != "" {
				return nil, fmt.Errorf("protoc: plugin protoc-gen-%s uses insertion point %q in %s, which this generator does not support", p.Name, f.GetInsertionPoint(), f.GetName())
			}
			path := filepath.Join(outDir(p.OutDir), filepath.FromSlash(f.GetName()))
			if other, dup := seen[path]; dup {
				return nil, fmt.Errorf("protoc: %s is generated twice, by %s and %s", path, other, p.Name)
			}
			seen[path] = p.Name
			out = append(out, File{Path: path, Content: []byte(f.GetContent())})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func outDir(d string) string {
	if d == "" {
		return "."
	}
	return d
}

// relativeToImportPath turns a file name given on the command line into
// the name protoc uses for it, relative to the first import path that
// contains it, as protoc requires (it refuses files outside all of them).
func relativeToImportPath(importPaths []string, file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("protoc: %s: %w", file, err)
	}
	for _, ip := range importPaths {
		ipAbs, err := filepath.Abs(ip)
		if err != nil {
			return "", fmt.Errorf("protoc: import path %s: %w", ip, err)
		}
		rel, err := filepath.Rel(ipAbs, abs)
		if err == nil && rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel) {
			return filepath.ToSlash(rel), nil
		}
	}
	return "", fmt.Errorf("protoc: %s is not inside any import path (-I %v); protoc requires proto files to be found under one", file, importPaths)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}
