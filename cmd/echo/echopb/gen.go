// echo.pb.go (messages, by protoc-gen-go) and echo_actorpc.pb.go (the
// service stubs, by this repository's protoc-gen-go-actorpc) are generated
// from echo.proto without protoc: genproto compiles the file in-process and
// runs both plugins, built from this repository, as protoc would. Run
// `go generate ./cmd/echo/echopb` after changing echo.proto; the tests in
// tests/protoc fail when the committed files differ from a fresh run.

//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I . --go_out=. --go_opt=paths=source_relative --go-actorpc_out=. --go-actorpc_opt=paths=source_relative echo.proto

package echopb
