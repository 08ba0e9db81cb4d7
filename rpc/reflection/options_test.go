package reflection_test

import (
	"testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/reflection"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// fixedServices is a ServiceInfoProvider that is not a server.
type fixedServices map[string]rpc.ServiceInfo

func (f fixedServices) GetServiceInfo() map[string]rpc.ServiceInfo { return f }

// dynamicFiles is a registry holding one file built at run time, which the
// global registry does not know.
func dynamicFiles(t *testing.T) *protoregistry.Files {
	t.Helper()
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:        proto.String("dynamic/only.proto"),
		Package:     proto.String("dynamic"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("Thing")}},
	}, nil)
	require.NoError(t, err)
	files := new(protoregistry.Files)
	require.NoError(t, files.RegisterFile(fd))
	return files
}

func TestServerOptionsChooseWhatIsDescribed(t *testing.T) {
	addr := startServer(t, func(s *rpc.Server) {
		v1pb.RegisterServerReflectionServer(s, reflection.NewServerV1(reflection.ServerOptions{
			Services:           fixedServices{"dynamic.Pretend": {}},
			DescriptorResolver: dynamicFiles(t),
			ExtensionResolver:  new(protoregistry.Types),
		}))
	})
	stream := openV1(t, dial(t, addr))
	assert.Equal(t, []string{"dynamic.Pretend"}, serviceNames(stream.ask(listServices())), "the services come from Services, not the server")
	assert.Equal(t, []string{"dynamic/only.proto"}, stream.files(bySymbol("dynamic.Thing")))
	assert.Equal(t, []string{"dynamic/only.proto"}, stream.files(byFilename("dynamic/only.proto")))

	resp := stream.ask(bySymbol(pkg + "Searcher"))
	assert.Equal(t, int32(codes.NotFound), resp.GetErrorResponse().GetErrorCode(), "the global registry is not asked")
	resp = stream.ask(byExtension(pkg+"Filter", 100))
	assert.Equal(t, int32(codes.NotFound), resp.GetErrorResponse().GetErrorCode(), "nor the global types")
}

func TestNilServicesListsNothing(t *testing.T) {
	addr := startServer(t, func(s *rpc.Server) {
		v1pb.RegisterServerReflectionServer(s, reflection.NewServerV1(reflection.ServerOptions{}))
	})
	stream := openV1(t, dial(t, addr))
	resp := stream.ask(listServices())
	require.NotNil(t, resp.GetListServicesResponse())
	assert.Empty(t, resp.GetListServicesResponse().GetService())
	assert.Equal(t, []string{servicePath, depPath, timestampPath}, stream.files(bySymbol(pkg+"Searcher")), "descriptors default to the global registry")
}

// A file whose imports the resolver lacks is still described; the missing
// import is left out rather than sent as an empty placeholder.
func TestMissingImportsAreLeftOut(t *testing.T) {
	fd, err := protodesc.FileOptions{AllowUnresolvable: true}.New(&descriptorpb.FileDescriptorProto{
		Name:       proto.String("dynamic/partial.proto"),
		Package:    proto.String("dynamic"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"not/registered.proto"},
	}, new(protoregistry.Files))
	require.NoError(t, err)
	require.True(t, fd.Imports().Get(0).IsPlaceholder())
	files := new(protoregistry.Files)
	require.NoError(t, files.RegisterFile(fd))

	addr := startServer(t, func(s *rpc.Server) {
		v1pb.RegisterServerReflectionServer(s, reflection.NewServerV1(reflection.ServerOptions{DescriptorResolver: files}))
	})
	stream := openV1(t, dial(t, addr))
	assert.Equal(t, []string{"dynamic/partial.proto"}, stream.files(byFilename("dynamic/partial.proto")))
	resp := stream.ask(byFilename("not/registered.proto"))
	assert.Equal(t, int32(codes.NotFound), resp.GetErrorResponse().GetErrorCode())
}
