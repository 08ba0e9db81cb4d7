package reflection

import (
	"errors"
	"io"

	v1grpc "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/reflect/protodesc"
)

// server implements grpc.reflection.v1.ServerReflection; v1alphaServer
// adapts it to v1alpha, so both versions share this one implementation.
//
// It holds no state of its own beyond its options: what one call remembers
// (the files already sent) lives in that call's handler goroutine.
type server struct {
	v1grpc.UnimplementedServerReflectionServer

	// immutable after newServer
	services   ServiceInfoProvider // nil: list_services answers an empty list
	files      protodesc.Resolver
	extensions ExtensionResolver
}

// ServerReflectionInfo answers each request in the order it came, one
// response per request, until the client half-closes (then the call ends
// OK) or the stream fails. Requests it cannot answer get an error_response
// and the stream goes on; only a request that asks nothing ends it, with
// INVALID_ARGUMENT.
func (s *server) ServerReflectionInfo(stream v1grpc.ServerReflection_ServerReflectionInfoServer) error {
	// Files sent on this stream, by path: the protocol lets a server send
	// each dependency once per stream, and clients cache what they got.
	sent := make(map[string]bool)
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		resp, err := s.answer(req, sent)
		if err != nil {
			return err
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}
