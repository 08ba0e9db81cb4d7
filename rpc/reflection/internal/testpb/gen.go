// Package testpb holds the messages and service the reflection tests
// describe. Regenerating it needs protoc on PATH; the -I mapping gives the
// files the paths under which they are registered and imported.

//go:generate protoc -Iactorpc/reflection/testing=. --plugin=protoc-gen-go=../../protoc-gen-go.sh --go_out=. --go_opt=module=github.com/actorpc/actorpc/rpc/reflection/internal/testpb actorpc/reflection/testing/dep.proto actorpc/reflection/testing/service.proto

package testpb
