// Package rpc is actorpc's public API: a gRPC server and client channel
// with grpc-go's shape, so that a service written for grpc-go ports by
// changing its imports:
//
//	import grpc "github.com/actorpc/actorpc/rpc"          // was google.golang.org/grpc
//	import "github.com/actorpc/actorpc/rpc/codes"         // was google.golang.org/grpc/codes
//	import "github.com/actorpc/actorpc/rpc/status"        // ... and likewise for metadata,
//	import "github.com/actorpc/actorpc/rpc/credentials"   // credentials/insecure, peer, keepalive,
//	import "github.com/actorpc/actorpc/rpc/health"        // health/grpc_health_v1, reflection,
//	                                                      // connectivity, encoding/gzip
//
// Stubs come from protoc-gen-go-actorpc (cmd/protoc-gen-go-actorpc), which
// emits the identifiers protoc-gen-go-grpc v1.5 does; it is used beside
// protoc-gen-go exactly as protoc-gen-go-grpc is.
//
// Under the API every connection, stream, subchannel, resolver and
// balancer is a goroutine that owns its state and is reached only by
// messages, so no lock guards anything and every goroutine ends when its
// owner does (README.md, Architecture). A Server or ClientConn can be
// asked what its actors are doing while it runs (Inspect).
//
// It speaks gRPC over HTTP/2 as the protocol spec says, so its peers may be
// any gRPC implementation: grpc-go, grpc-java, grpcurl, ghz.
//
// Where the API differs from grpc-go's on purpose, the doc comment of the
// name says why. The main ones: CallOption, DialOption and ServerOption are
// function types (an option is applied, never inspected), and a unary
// call is driven by the caller's own goroutine.
package rpc
