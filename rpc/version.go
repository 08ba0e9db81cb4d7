package rpc

// SupportPackageIsVersion7, 8 and 9 are referenced by generated code
// (protoc-gen-go-grpc and protoc-gen-go-actorpc) to check at compile time
// that the stubs fit this package: version 9 stubs use the generic stream
// types and StaticMethod. They keep grpc-go's names so stubs generated for
// grpc-go compile after the import swap.
const (
	SupportPackageIsVersion7 = true
	SupportPackageIsVersion8 = true
	SupportPackageIsVersion9 = true
)
