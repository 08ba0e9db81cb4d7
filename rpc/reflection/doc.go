// Package reflection implements gRPC server reflection
// (grpc.reflection.v1.ServerReflection and its older twin
// grpc.reflection.v1alpha.ServerReflection), so that tools such as grpcurl
// can list, describe and call a server's services without its .proto files.
//
// Its API is grpc-go's reflection package's: code ports by changing imports.
//
//	s := rpc.NewServer()
//	pb.RegisterYourOwnServer(s, &server{})
//	reflection.Register(s)
//	s.Serve(lis)
//
// The protocol is described in gRPC's doc/server-reflection.md. Descriptors
// come from protobuf's global registries (protoregistry.GlobalFiles and
// GlobalTypes) unless ServerOptions names others.
package reflection
