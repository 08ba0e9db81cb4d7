// Package grpc_health_v1 is the standard health checking service,
// grpc.health.v1.Health, as generated from grpc-proto's
// grpc/health/v1/health.proto (kept under proto/ with its original path and
// package, so that peers and tools see the same descriptor as from any other
// gRPC stack). Its go_package is mapped to this package with an M option.
//
// health.pb.go (by protoc-gen-go) and health_actorpc.pb.go (by this
// repository's protoc-gen-go-actorpc) are generated without protoc:
// genproto compiles the file in-process and runs both plugins. Run
// `go generate ./rpc/health/grpc_health_v1`; the tests in tests/protoc fail
// when the committed files differ from a fresh run.
//
//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I proto --go_out=. --go_opt=Mgrpc/health/v1/health.proto=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 --go_opt=module=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 --go-actorpc_out=. --go-actorpc_opt=Mgrpc/health/v1/health.proto=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 --go-actorpc_opt=module=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 proto/grpc/health/v1/health.proto
package grpc_health_v1
