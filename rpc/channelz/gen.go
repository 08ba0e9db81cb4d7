// The channelz messages (channelz.pb.go, by protoc-gen-go) and service
// stubs (channelz_actorpc.pb.go, by this repository's
// protoc-gen-go-actorpc) are generated from grpc-proto's schema, kept under
// proto/ at the path clients ask for (grpc/channelz/v1/channelz.proto),
// without protoc: genproto compiles it in-process (the google/protobuf
// imports are protobuf's well-known types) and runs both plugins. Run
// `go generate ./rpc/channelz`; the tests in tests/protoc fail when the
// committed files differ from a fresh run.

//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I proto --go_out=. --go_opt=module=github.com/actorpc/actorpc/rpc/channelz --go-actorpc_out=. --go-actorpc_opt=module=github.com/actorpc/actorpc/rpc/channelz proto/grpc/channelz/v1/channelz.proto

package channelz
