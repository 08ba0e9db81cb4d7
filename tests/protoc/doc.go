// Package protoc generates Go code from .proto files without a protoc
// binary: it compiles the files in-process with protocompile, builds the
// CodeGeneratorRequest protoc would build, and runs plugin binaries
// (protoc-gen-go, protoc-gen-go-actorpc) over stdin and stdout exactly as
// protoc runs them. The genproto command and the tests that check
// committed generated code use it, so neither needs protoc installed.
package protoc
