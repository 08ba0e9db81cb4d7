package reflection

import (
	"github.com/actorpc/actorpc/rpc/codes"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	v1alphapb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha"
	"github.com/actorpc/actorpc/rpc/status"
	"google.golang.org/protobuf/proto"
)

// v1alphaServer serves grpc.reflection.v1alpha.ServerReflection with the v1
// implementation: its stream converts each request to v1 and each response
// back.
type v1alphaServer struct {
	v1alphapb.UnimplementedServerReflectionServer
	v1 *server // immutable
}

func (s *v1alphaServer) ServerReflectionInfo(stream v1alphapb.ServerReflection_ServerReflectionInfoServer) error {
	return s.v1.ServerReflectionInfo(v1alphaStream{stream})
}

// v1alphaStream shows a v1alpha stream as a v1 one. Recv and Send shadow the
// embedded stream's; the rest (context, metadata) is the embedded stream's.
type v1alphaStream struct {
	v1alphapb.ServerReflection_ServerReflectionInfoServer
}

func (st v1alphaStream) Recv() (*v1pb.ServerReflectionRequest, error) {
	in, err := st.ServerReflection_ServerReflectionInfoServer.Recv()
	if err != nil {
		return nil, err
	}
	return convert(in, &v1pb.ServerReflectionRequest{})
}

func (st v1alphaStream) Send(resp *v1pb.ServerReflectionResponse) error {
	out, err := convert(resp, &v1alphapb.ServerReflectionResponse{})
	if err != nil {
		return err
	}
	return st.ServerReflection_ServerReflectionInfoServer.Send(out)
}

// convert copies a message into its twin of the other version through the
// wire format: v1 and v1alpha declare the same fields with the same numbers,
// so this keeps every field, including any a later schema adds to both.
func convert[T proto.Message](from proto.Message, to T) (T, error) {
	b, err := proto.Marshal(from)
	if err == nil {
		err = proto.Unmarshal(b, to)
	}
	if err != nil {
		var zero T
		return zero, status.Errorf(codes.Internal, "reflection: converting %s to %s: %v",
			from.ProtoReflect().Descriptor().FullName(), to.ProtoReflect().Descriptor().FullName(), err)
	}
	return to, nil
}
