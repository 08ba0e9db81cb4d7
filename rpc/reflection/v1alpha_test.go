package reflection_test

import (
	"testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/reflection"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	v1alphapb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func askV1Alpha(t *testing.T, stream rpc.BidiStreamingClient[v1alphapb.ServerReflectionRequest, v1alphapb.ServerReflectionResponse], req *v1alphapb.ServerReflectionRequest) *v1alphapb.ServerReflectionResponse {
	t.Helper()
	require.NoError(t, stream.Send(req))
	resp, err := stream.Recv()
	require.NoError(t, err)
	require.True(t, proto.Equal(req, resp.GetOriginalRequest()), "the response must carry its request, got %v", resp.GetOriginalRequest())
	return resp
}

func TestV1AlphaAnswersAsV1Does(t *testing.T) {
	cc := dial(t, startServer(t, registerAll(registerBoth)))
	stream, err := v1alphapb.NewServerReflectionClient(cc).ServerReflectionInfo(testContext(t))
	require.NoError(t, err)

	resp := askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{Host: "h", MessageRequest: &v1alphapb.ServerReflectionRequest_ListServices{}})
	assert.Equal(t, "h", resp.GetValidHost())
	var names []string
	for _, svc := range resp.GetListServicesResponse().GetService() {
		names = append(names, svc.GetName())
	}
	assert.Equal(t, []string{pkg + "Searcher", "grpc.examples.echo.Echo", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}, names)

	resp = askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: pkg + "SearchRequest.Page"}})
	assert.Equal(t, []string{servicePath, depPath, timestampPath}, filePaths(t, resp.GetFileDescriptorResponse().GetFileDescriptorProto()))
	resp = askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_FileByFilename{FileByFilename: depPath}})
	assert.Equal(t, []string{depPath}, filePaths(t, resp.GetFileDescriptorResponse().GetFileDescriptorProto()), "dependencies go once per v1alpha stream too")

	resp = askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_FileContainingExtension{
		FileContainingExtension: &v1alphapb.ExtensionRequest{ContainingType: pkg + "Filter", ExtensionNumber: 100},
	}})
	assert.Equal(t, []string{servicePath}, filePaths(t, resp.GetFileDescriptorResponse().GetFileDescriptorProto()))
	resp = askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_AllExtensionNumbersOfType{AllExtensionNumbersOfType: pkg + "Filter"}})
	assert.Equal(t, []int32{100, 150}, resp.GetAllExtensionNumbersResponse().GetExtensionNumber())

	resp = askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "no.Such"}})
	assert.Equal(t, int32(codes.NotFound), resp.GetErrorResponse().GetErrorCode())
	assert.Equal(t, `symbol "no.Such" not found`, resp.GetErrorResponse().GetErrorMessage())

	require.NoError(t, stream.Send(&v1alphapb.ServerReflectionRequest{}))
	_, err = stream.Recv()
	assert.Equal(t, codes.InvalidArgument, status.Code(err), "got %v", err)
}

func TestRegisterV1RegistersOnlyV1(t *testing.T) {
	cc := dial(t, startServer(t, registerAll(func(s *rpc.Server) { reflection.RegisterV1(s) })))
	assert.Equal(t, []string{pkg + "Searcher", "grpc.examples.echo.Echo", "grpc.reflection.v1.ServerReflection"},
		serviceNames(openV1(t, cc).ask(listServices())))

	stream, err := v1alphapb.NewServerReflectionClient(cc).ServerReflectionInfo(testContext(t))
	require.NoError(t, err)
	require.NoError(t, stream.Send(&v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_ListServices{}}))
	_, err = stream.Recv()
	assert.Equal(t, codes.Unimplemented, status.Code(err), "got %v", err)
}

// A server may register only v1alpha, through NewServer, as older grpc-go
// servers did.
func TestNewServerServesV1AlphaAlone(t *testing.T) {
	addr := startServer(t, func(s *rpc.Server) {
		s.RegisterService(searcherDesc(), struct{}{})
		v1alphapb.RegisterServerReflectionServer(s, reflection.NewServer(reflection.ServerOptions{Services: s}))
	})
	cc := dial(t, addr)
	stream, err := v1alphapb.NewServerReflectionClient(cc).ServerReflectionInfo(testContext(t))
	require.NoError(t, err)
	resp := askV1Alpha(t, stream, &v1alphapb.ServerReflectionRequest{MessageRequest: &v1alphapb.ServerReflectionRequest_ListServices{}})
	require.Len(t, resp.GetListServicesResponse().GetService(), 2)
	assert.Equal(t, "grpc.reflection.v1alpha.ServerReflection", resp.GetListServicesResponse().GetService()[1].GetName())

	v1, err := v1pb.NewServerReflectionClient(cc).ServerReflectionInfo(testContext(t))
	require.NoError(t, err)
	require.NoError(t, v1.Send(listServices()))
	_, err = v1.Recv()
	assert.Equal(t, codes.Unimplemented, status.Code(err), "got %v", err)
}
