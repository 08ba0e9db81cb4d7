// Package grpc_health_v1 is the standard health checking service,
// grpc.health.v1.Health, as generated from grpc-proto's
// grpc/health/v1/health.proto (kept under proto/ with its original path and
// package, so that peers and tools see the same descriptor as from any other
// gRPC stack). Its go_package is mapped to this package with an M option.
//
// Regenerating health.pb.go needs protoc on PATH; protoc-gen-go runs through
// the protoc-gen-go.sh wrapper at the version go.mod requires.
// health_actorpc.pb.go was made with protoc-gen-go-grpc v1.5.1 (run from a
// directory outside this module, then its three grpc-go imports swapped for
// actorpc's rpc, rpc/codes and rpc/status); it is to be regenerated with
// cmd/protoc-gen-go-actorpc.
//
//go:generate protoc --plugin=protoc-gen-go=./protoc-gen-go.sh -Iproto --go_out=. --go_opt=Mgrpc/health/v1/health.proto=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 --go_opt=module=github.com/actorpc/actorpc/rpc/health/grpc_health_v1 grpc/health/v1/health.proto
package grpc_health_v1
