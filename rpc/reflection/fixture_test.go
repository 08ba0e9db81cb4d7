package reflection_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// File paths and the package of the test schema (internal/testpb).
const (
	servicePath   = "actorpc/reflection/testing/service.proto"
	depPath       = "actorpc/reflection/testing/dep.proto"
	timestampPath = "google/protobuf/timestamp.proto"
	pkg           = "actorpc.reflection.testing."
)

// searcherDesc registers testpb's Searcher service. Its handlers are never
// called: reflection only needs the service to be registered.
func searcherDesc() *rpc.ServiceDesc {
	unimplemented := status.Error(codes.Unimplemented, "not for calling")
	return &rpc.ServiceDesc{
		ServiceName: pkg + "Searcher",
		Methods: []rpc.MethodDesc{{MethodName: "Search", Handler: func(any, context.Context, func(any) error, rpc.UnaryServerInterceptor) (any, error) {
			return nil, unimplemented
		}}},
		Streams: []rpc.StreamDesc{{StreamName: "Watch", ServerStreams: true, Handler: func(any, rpc.ServerStream) error {
			return unimplemented
		}}},
		Metadata: servicePath,
	}
}

// startServer serves on 127.0.0.1:0 what register registers, and stops the
// server when the test ends.
func startServer(t *testing.T, register func(s *rpc.Server)) string {
	t.Helper()
	s := rpc.NewServer()
	register(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		require.NoError(t, <-served)
	})
	return lis.Addr().String()
}

// registerAll registers echo, Searcher and both reflection services.
func registerAll(register func(*rpc.Server)) func(s *rpc.Server) {
	return func(s *rpc.Server) {
		echoserver.Register(s)
		s.RegisterService(searcherDesc(), struct{}{})
		register(s)
	}
}

func dial(t *testing.T, addr string) *rpc.ClientConn {
	t.Helper()
	cc, err := rpc.NewClient("passthrough:///"+addr, rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// v1Stream is one ServerReflectionInfo call; ask sends a request and
// returns its response.
type v1Stream struct {
	t      *testing.T
	stream rpc.BidiStreamingClient[v1pb.ServerReflectionRequest, v1pb.ServerReflectionResponse]
}

func openV1(t *testing.T, cc *rpc.ClientConn) *v1Stream {
	t.Helper()
	stream, err := v1pb.NewServerReflectionClient(cc).ServerReflectionInfo(testContext(t))
	require.NoError(t, err)
	return &v1Stream{t: t, stream: stream}
}

func (s *v1Stream) ask(req *v1pb.ServerReflectionRequest) *v1pb.ServerReflectionResponse {
	s.t.Helper()
	require.NoError(s.t, s.stream.Send(req))
	resp, err := s.stream.Recv()
	require.NoError(s.t, err)
	require.True(s.t, proto.Equal(req, resp.GetOriginalRequest()), "the response must carry its request, got %v", resp.GetOriginalRequest())
	return resp
}

// files asks req and returns the paths of the files in the answer, in order,
// failing the test if the answer is not files.
func (s *v1Stream) files(req *v1pb.ServerReflectionRequest) []string {
	s.t.Helper()
	resp := s.ask(req)
	require.NotNil(s.t, resp.GetFileDescriptorResponse(), "want files, got %v", resp.GetMessageResponse())
	return filePaths(s.t, resp.GetFileDescriptorResponse().GetFileDescriptorProto())
}

func filePaths(t *testing.T, encoded [][]byte) []string {
	t.Helper()
	var paths []string
	for _, b := range encoded {
		fd := new(descriptorpb.FileDescriptorProto)
		require.NoError(t, proto.Unmarshal(b, fd))
		paths = append(paths, fd.GetName())
	}
	return paths
}

func byFilename(name string) *v1pb.ServerReflectionRequest {
	return &v1pb.ServerReflectionRequest{MessageRequest: &v1pb.ServerReflectionRequest_FileByFilename{FileByFilename: name}}
}

func bySymbol(symbol string) *v1pb.ServerReflectionRequest {
	return &v1pb.ServerReflectionRequest{MessageRequest: &v1pb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: symbol}}
}

func byExtension(message string, number int32) *v1pb.ServerReflectionRequest {
	return &v1pb.ServerReflectionRequest{MessageRequest: &v1pb.ServerReflectionRequest_FileContainingExtension{
		FileContainingExtension: &v1pb.ExtensionRequest{ContainingType: message, ExtensionNumber: number},
	}}
}

func extensionNumbers(message string) *v1pb.ServerReflectionRequest {
	return &v1pb.ServerReflectionRequest{MessageRequest: &v1pb.ServerReflectionRequest_AllExtensionNumbersOfType{AllExtensionNumbersOfType: message}}
}

func listServices() *v1pb.ServerReflectionRequest {
	return &v1pb.ServerReflectionRequest{MessageRequest: &v1pb.ServerReflectionRequest_ListServices{}}
}

func serviceNames(resp *v1pb.ServerReflectionResponse) []string {
	var names []string
	for _, svc := range resp.GetListServicesResponse().GetService() {
		names = append(names, svc.GetName())
	}
	return names
}
