// Command protoc-gen-go-actorpc is a protoc plugin that writes actorpc
// service stubs. For each .proto file with services it writes
// NAME_actorpc.pb.go next to protoc-gen-go's NAME.pb.go, in the same Go
// package. The stubs have the identifiers and shape protoc-gen-go-grpc
// v1.5.1 emits (NewXClient, XServer, RegisterXServer, UnimplementedXServer,
// X_ServiceDesc, the generic stream types, ...), but import
// github.com/actorpc/actorpc/rpc under the name grpc, so application code
// written against grpc-go stubs compiles against these unchanged.
//
// Install and run it as:
//
//	go install github.com/actorpc/actorpc/cmd/protoc-gen-go-actorpc@latest
//	protoc --go_out=. --go_opt=paths=source_relative \
//	    --go-actorpc_out=. --go-actorpc_opt=paths=source_relative x.proto
//
// Parameters (--go-actorpc_opt): protogen's paths, module and M options,
// and require_unimplemented_servers (default true): when false, server
// interfaces do not demand that implementations embed UnimplementedXServer.
//
// The plugin imports no actorpc runtime package, so it builds even where the
// runtime would not, and its output depends only on its inputs.
package main

import (
	"flag"
	"fmt"
	"os"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

// version is printed by -version and written into every generated header.
const version = "0.1.0"

func main() {
	showVersion := flag.Bool("version", false, "print the plugin's version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("protoc-gen-go-actorpc v%s\n", version)
		return
	}
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "protoc-gen-go-actorpc: protoc runs this plugin; it reads a CodeGeneratorRequest on stdin and takes no arguments")
		os.Exit(2)
	}

	var params flag.FlagSet
	opts := options{}
	params.BoolVar(&opts.requireUnimplemented, "require_unimplemented_servers", true,
		"server implementations must embed UnimplementedXServer (set false for the legacy behaviour)")
	// Accepted for command-line compatibility with protoc-gen-go-grpc; only
	// the generic stream types are generated.
	params.Func("use_generic_streams_experimental", "must be true: only generic stream types are generated", func(v string) error {
		if v != "true" {
			return fmt.Errorf("use_generic_streams_experimental=%s is not supported: protoc-gen-go-actorpc only generates the generic stream types", v)
		}
		return nil
	})

	protogen.Options{ParamFunc: params.Set, ImportRewriteFunc: rewriteImport}.Run(func(gen *protogen.Plugin) error {
		gen.SupportedFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL) |
			uint64(pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS)
		gen.SupportedEditionsMinimum = descriptorpb.Edition_EDITION_PROTO2
		gen.SupportedEditionsMaximum = descriptorpb.Edition_EDITION_2023
		for _, f := range gen.Files {
			if f.Generate && len(f.Services) > 0 {
				generateFile(gen, f, opts)
			}
		}
		return nil
	})
}

// options are the plugin parameters that change the generated code.
type options struct {
	requireUnimplemented bool
}
