// Package interop runs the gRPC interop test cases
// (https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md)
// between actorpc and grpc-go, as separate processes: grpc-go's interop
// client against the actorpc interop server (./server), and the actorpc
// interop client (./client) against grpc-go's interop server. The
// service stubs both actorpc binaries use are in ./testrpc.
//
// Every case runs over plaintext and over TLS.
package interop
