package protoc

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// ParseArgs reads protoc-style arguments, the subset genproto takes:
//
//	-I DIR | --proto_path=DIR       (repeatable; default .)
//	--go_out=DIR                    run protoc-gen-go, writing under DIR
//	--go_opt=OPT                    (repeatable) its parameters
//	--go-actorpc_out=DIR            run protoc-gen-go-actorpc, writing under DIR
//	--go-actorpc_opt=OPT            (repeatable) its parameters
//	FILE.proto ...
//
// As with protoc, --X_out=OPTS:DIR also passes parameters. Paths are kept
// as given (relative to the working directory); see Request.Rebase.
func ParseArgs(args []string, usage io.Writer) (Request, error) {
	fs := flag.NewFlagSet("genproto", flag.ContinueOnError)
	fs.SetOutput(usage)
	var includes, goOpts, actorpcOpts listFlag
	fs.Var(&includes, "I", "directory to search for imports (repeatable)")
	fs.Var(&includes, "proto_path", "same as -I")
	goOut := fs.String("go_out", "", "output directory of protoc-gen-go")
	fs.Var(&goOpts, "go_opt", "a protoc-gen-go parameter (repeatable), for example paths=source_relative or Mfile.proto=import/path")
	actorpcOut := fs.String("go-actorpc_out", "", "output directory of protoc-gen-go-actorpc")
	fs.Var(&actorpcOpts, "go-actorpc_opt", "a protoc-gen-go-actorpc parameter (repeatable)")
	if err := fs.Parse(args); err != nil {
		return Request{}, err
	}
	r := Request{ImportPaths: includes, Files: fs.Args()}
	if len(r.Files) == 0 {
		return Request{}, fmt.Errorf("genproto: no .proto files given")
	}
	if *goOut == "" && *actorpcOut == "" {
		return Request{}, fmt.Errorf("genproto: nothing to generate: give --go_out and/or --go-actorpc_out")
	}
	if *goOut != "" {
		r.Plugins = append(r.Plugins, pluginFor("go", *goOut, goOpts))
	}
	if *actorpcOut != "" {
		r.Plugins = append(r.Plugins, pluginFor("go-actorpc", *actorpcOut, actorpcOpts))
	}
	return r, nil
}

// pluginFor joins the options as protoc does: the OPTS: prefix of the out
// flag first, then every --X_opt, separated by commas.
func pluginFor(name, out string, opts []string) Plugin {
	var params []string
	if i := strings.LastIndex(out, ":"); i > 0 && !isWindowsDrive(out[:i+1]) {
		params = append(params, out[:i])
		out = out[i+1:]
	}
	params = append(params, opts...)
	return Plugin{Name: name, OutDir: out, Parameter: strings.Join(params, ",")}
}

func isWindowsDrive(prefix string) bool {
	return len(prefix) == 2 && prefix[1] == ':'
}

// Rebase makes the request's relative paths (import paths, files, output
// directories) relative to dir instead of the working directory, so a
// go:generate line can be rerun from anywhere.
func (r Request) Rebase(dir string) Request {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	out := Request{}
	for _, ip := range r.ImportPaths {
		out.ImportPaths = append(out.ImportPaths, abs(ip))
	}
	if len(out.ImportPaths) == 0 {
		out.ImportPaths = []string{dir}
	}
	for _, f := range r.Files {
		out.Files = append(out.Files, abs(f))
	}
	for _, p := range r.Plugins {
		p.OutDir = abs(outDir(p.OutDir))
		out.Plugins = append(out.Plugins, p)
	}
	return out
}
