// Package testrpc holds hand-written actorpc stubs for the gRPC interop
// services grpc.testing.TestService and grpc.testing.UnimplementedService
// (grpc/src/proto/grpc/testing/test.proto).
//
// The messages are grpc-go's generated ones, from
// google.golang.org/grpc/interop/grpc_testing (imported as testpb); only
// their types are used: every call goes over actorpc. The stubs have the
// shape protoc-gen-go-grpc generates, so code written against grpc-go's
// testgrpc package ports by changing imports.
package testrpc
