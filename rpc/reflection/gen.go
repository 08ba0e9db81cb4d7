// Regenerating reflection.pb.go needs protoc on PATH. The -I mappings give
// each .proto the path clients ask for (grpc/reflection/v1/reflection.proto),
// though it lives beside its generated code. protoc-gen-go.sh runs
// protoc-gen-go with `go run` at the protobuf version go.mod requires.
//
// reflection_actorpc.pb.go (the service stubs) is not regenerated here yet:
// it was made with protoc-gen-go-grpc v1.5.1 with its grpc, codes and status
// imports swapped for actorpc's, until protoc-gen-go-actorpc generates it.

//go:generate protoc -Igrpc/reflection/v1=grpc_reflection_v1 --plugin=protoc-gen-go=./protoc-gen-go.sh --go_out=grpc_reflection_v1 --go_opt=module=github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1 grpc/reflection/v1/reflection.proto
//go:generate protoc -Igrpc/reflection/v1alpha=grpc_reflection_v1alpha --plugin=protoc-gen-go=./protoc-gen-go.sh --go_out=grpc_reflection_v1alpha --go_opt=module=github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha grpc/reflection/v1alpha/reflection.proto

package reflection
