package protoc

import (
	"context"
	"fmt"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Compile parses and links files (names relative to one of importPaths, as
// protoc takes them) and returns the descriptors of the files and of
// everything they import, each file after its imports: the order protoc
// puts them in a CodeGeneratorRequest. The google/protobuf/*.proto files
// protoc ships are found without an import path.
func Compile(ctx context.Context, importPaths, files []string) ([]*descriptorpb.FileDescriptorProto, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("protoc: no .proto files to compile")
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: importPaths}),
		// Comments are part of the generated code, so keep them.
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	linked, err := compiler.Compile(ctx, files...)
	if err != nil {
		return nil, fmt.Errorf("protoc: compiling %v (import paths %v): %w", files, importPaths, err)
	}
	var ordered []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imports := f.Imports()
		for i := 0; i < imports.Len(); i++ {
			visit(imports.Get(i).FileDescriptor)
		}
		ordered = append(ordered, descriptorProto(f))
	}
	for _, f := range linked {
		visit(f)
	}
	return ordered, nil
}

// descriptorProto returns the descriptor as protoc would send it. Files
// compiled from source keep the proto protocompile built (with source
// info and json_name, as protoc fills them); the standard imports come
// from the Go runtime's registry and are converted back.
func descriptorProto(f protoreflect.FileDescriptor) *descriptorpb.FileDescriptorProto {
	if r, ok := f.(linker.Result); ok {
		return r.FileDescriptorProto()
	}
	return protodesc.ToFileDescriptorProto(f)
}
