// The reflection protocol's messages (reflection.pb.go, by protoc-gen-go)
// and service stubs (reflection_actorpc.pb.go, by this repository's
// protoc-gen-go-actorpc) are generated from grpc-proto's schema files,
// kept under proto/ at the paths clients ask for
// (grpc/reflection/v1/reflection.proto), without protoc: genproto
// compiles them in-process and runs both plugins. Run
// `go generate ./rpc/reflection`; the tests in tests/protoc fail when the
// committed files differ from a fresh run.

//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I proto --go_out=. --go_opt=module=github.com/actorpc/actorpc/rpc/reflection --go-actorpc_out=. --go-actorpc_opt=module=github.com/actorpc/actorpc/rpc/reflection proto/grpc/reflection/v1/reflection.proto
//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I proto --go_out=. --go_opt=module=github.com/actorpc/actorpc/rpc/reflection --go-actorpc_out=. --go-actorpc_opt=module=github.com/actorpc/actorpc/rpc/reflection proto/grpc/reflection/v1alpha/reflection.proto

package reflection
