package reflection_test

import (
	"io"
	"testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/reflection"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	_ "github.com/actorpc/actorpc/rpc/reflection/internal/testpb" // registers the test schema
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

func registerBoth(s *rpc.Server) { reflection.Register(s) }

func TestListServicesNamesEveryRegisteredServiceSorted(t *testing.T) {
	cc := dial(t, startServer(t, registerAll(registerBoth)))
	req := listServices()
	req.Host = "example.test"
	resp := openV1(t, cc).ask(req)
	assert.Equal(t, "example.test", resp.GetValidHost())
	assert.Equal(t, []string{
		pkg + "Searcher",
		"grpc.examples.echo.Echo",
		"grpc.reflection.v1.ServerReflection",
		"grpc.reflection.v1alpha.ServerReflection",
	}, serviceNames(resp))
}

func TestFileByFilenameSendsTheFileThenItsDependencies(t *testing.T) {
	stream := openV1(t, dial(t, startServer(t, registerAll(registerBoth))))
	resp := stream.ask(byFilename(servicePath))
	encoded := resp.GetFileDescriptorResponse().GetFileDescriptorProto()
	require.Equal(t, []string{servicePath, depPath, timestampPath}, filePaths(t, encoded))

	// The files are complete: a client can rebuild every descriptor from
	// them alone, as grpcurl does.
	set := new(descriptorpb.FileDescriptorSet)
	for _, b := range encoded {
		fd := new(descriptorpb.FileDescriptorProto)
		require.NoError(t, proto.Unmarshal(b, fd))
		set.File = append(set.File, fd)
	}
	files, err := protodesc.NewFiles(set)
	require.NoError(t, err)
	d, err := files.FindDescriptorByName(pkg + "Searcher.Watch")
	require.NoError(t, err)
	method, ok := d.(protoreflect.MethodDescriptor)
	require.True(t, ok, "%s is a %T", d.FullName(), d)
	assert.Equal(t, pkg+"SearchRequest", string(method.Input().FullName()))
	assert.True(t, method.IsStreamingServer())
}

func TestFileContainingSymbolFindsEveryKindOfSymbol(t *testing.T) {
	cc := dial(t, startServer(t, registerAll(registerBoth)))
	for _, tc := range []struct{ symbol, file string }{
		{pkg + "Searcher", servicePath},
		{pkg + "Searcher.Watch", servicePath},
		{pkg + "SearchRequest", servicePath},
		{pkg + "SearchRequest.Page", servicePath},
		{pkg + "SearchRequest.query", servicePath},
		{pkg + "SearchRequest.scope", servicePath},
		{pkg + "Corpus", servicePath},
		{pkg + "CORPUS_WEB", servicePath},
		{pkg + "SearchResponse.Kind", servicePath},
		{pkg + "priority", servicePath},
		{pkg + "Filter", depPath},
		{"." + pkg + "Filter", depPath},
		{"google.protobuf.Timestamp", timestampPath},
		{"grpc.examples.echo.Echo", "echo.proto"},
		{"grpc.examples.echo.EchoRequest", "echo.proto"},
		{"grpc.reflection.v1.ServerReflection", "grpc/reflection/v1/reflection.proto"},
		{"grpc.reflection.v1alpha.ServerReflection.ServerReflectionInfo", "grpc/reflection/v1alpha/reflection.proto"},
	} {
		t.Run(tc.symbol, func(t *testing.T) {
			paths := openV1(t, cc).files(bySymbol(tc.symbol))
			require.NotEmpty(t, paths)
			assert.Equal(t, tc.file, paths[0], "the file declaring the symbol comes first")
		})
	}
}

func TestDependenciesAreSentOncePerStream(t *testing.T) {
	cc := dial(t, startServer(t, registerAll(registerBoth)))
	stream := openV1(t, cc)
	assert.Equal(t, []string{servicePath, depPath, timestampPath}, stream.files(bySymbol(pkg+"SearchRequest")))
	assert.Equal(t, []string{depPath}, stream.files(byFilename(depPath)), "asked for again, the file itself comes again, its imports do not")
	assert.Equal(t, []string{servicePath}, stream.files(bySymbol(pkg+"Searcher")))
	assert.Equal(t, []string{"echo.proto"}, stream.files(bySymbol("grpc.examples.echo.Echo")))

	// A new stream starts from nothing.
	assert.Equal(t, []string{depPath, timestampPath}, openV1(t, cc).files(byFilename(depPath)))
}

func TestExtensions(t *testing.T) {
	stream := openV1(t, dial(t, startServer(t, registerAll(registerBoth))))
	assert.Equal(t, []string{servicePath, depPath, timestampPath}, stream.files(byExtension(pkg+"Filter", 150)),
		"the extension is declared in service.proto")

	resp := stream.ask(extensionNumbers(pkg + "Filter"))
	assert.Equal(t, pkg+"Filter", resp.GetAllExtensionNumbersResponse().GetBaseTypeName())
	assert.Equal(t, []int32{100, 150}, resp.GetAllExtensionNumbersResponse().GetExtensionNumber())

	resp = stream.ask(extensionNumbers(pkg + "SearchRequest"))
	require.NotNil(t, resp.GetAllExtensionNumbersResponse(), "a known message without extensions has an empty list, got %v", resp.GetMessageResponse())
	assert.Empty(t, resp.GetAllExtensionNumbersResponse().GetExtensionNumber())
}

func TestUnknownNamesGetNotFoundAndTheStreamGoesOn(t *testing.T) {
	stream := openV1(t, dial(t, startServer(t, registerAll(registerBoth))))
	for _, tc := range []struct {
		name    string
		req     *v1pb.ServerReflectionRequest
		message string
	}{
		{"file", byFilename("no/such.proto"), `file "no/such.proto" not found`},
		{"symbol", bySymbol(pkg + "NoSuch"), `symbol "actorpc.reflection.testing.NoSuch" not found`},
		{"method", bySymbol(pkg + "Searcher.NoSuch"), `symbol "actorpc.reflection.testing.Searcher.NoSuch" not found`},
		{"empty symbol", bySymbol(""), `symbol "" not found`},
		{"extension number", byExtension(pkg+"Filter", 199), `extension 199 of message "actorpc.reflection.testing.Filter" not found`},
		{"extended message", byExtension(pkg+"NoSuch", 100), `extension 100 of message "actorpc.reflection.testing.NoSuch" not found`},
		{"extensions of an unknown message", extensionNumbers(pkg + "NoSuch"), `message type "actorpc.reflection.testing.NoSuch" not found`},
		{"extensions of a service", extensionNumbers(pkg + "Searcher"), `"actorpc.reflection.testing.Searcher" is not a message type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := stream.ask(tc.req)
			require.NotNil(t, resp.GetErrorResponse(), "want an error, got %v", resp.GetMessageResponse())
			assert.Equal(t, int32(codes.NotFound), resp.GetErrorResponse().GetErrorCode())
			assert.Equal(t, tc.message, resp.GetErrorResponse().GetErrorMessage())
		})
	}
	assert.Len(t, serviceNames(stream.ask(listServices())), 4, "errors do not end the stream")
}

func TestRequestsAreAnsweredInOrderUntilHalfClose(t *testing.T) {
	stream := openV1(t, dial(t, startServer(t, registerAll(registerBoth))))
	reqs := []*v1pb.ServerReflectionRequest{
		bySymbol(pkg + "Searcher"), byFilename("no/such.proto"), listServices(), byFilename(depPath),
	}
	// All requests go out before any answer is read: the server must
	// still answer each once, in order.
	for _, req := range reqs {
		require.NoError(t, stream.stream.Send(req))
	}
	require.NoError(t, stream.stream.CloseSend())
	for i, req := range reqs {
		resp, err := stream.stream.Recv()
		require.NoError(t, err, "response %d", i)
		assert.True(t, proto.Equal(req, resp.GetOriginalRequest()), "response %d answers %v", i, resp.GetOriginalRequest())
	}
	_, err := stream.stream.Recv()
	assert.Equal(t, io.EOF, err, "the call ends OK once the client half-closes")
}

func TestARequestThatAsksNothingEndsTheStream(t *testing.T) {
	stream := openV1(t, dial(t, startServer(t, registerAll(registerBoth))))
	require.NoError(t, stream.stream.Send(&v1pb.ServerReflectionRequest{Host: "h"}))
	_, err := stream.stream.Recv()
	assert.Equal(t, codes.InvalidArgument, status.Code(err), "got %v", err)
	assert.ErrorContains(t, err, "the request sets none of")
}
