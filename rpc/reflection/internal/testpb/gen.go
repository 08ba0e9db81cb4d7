// Package testpb holds the messages and service the reflection tests
// describe. Its .proto files are under proto/, at the paths under which
// they are registered and imported; `go generate` regenerates the Go code
// without protoc (see tests/cmd/genproto).

//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I proto --go_out=. --go_opt=module=github.com/actorpc/actorpc/rpc/reflection/internal/testpb proto/actorpc/reflection/testing/dep.proto proto/actorpc/reflection/testing/service.proto

package testpb
