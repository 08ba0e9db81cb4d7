// Regenerating echo.pb.go needs protoc on PATH (for example
// `apt-get install protobuf-compiler`). protoc-gen-go is not needed: the
// protoc-gen-go.sh wrapper runs it with `go run` at the version go.mod
// requires. The service stubs in echo_rpc.go are hand-written because
// protoc-gen-go-grpc emits code for grpc-go, not actorpc.

//go:generate protoc --plugin=protoc-gen-go=./protoc-gen-go.sh --go_out=. --go_opt=paths=source_relative echo.proto

package echopb
