package reflection

import (
	"github.com/actorpc/actorpc/rpc"
	v1grpc "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	v1alphagrpc "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// ServiceInfoProvider tells which services a server exposes; *rpc.Server is
// one. list_services answers from it.
type ServiceInfoProvider interface {
	GetServiceInfo() map[string]rpc.ServiceInfo
}

// ExtensionResolver finds extensions by extended message and number, and
// lists a message's extensions. protoregistry.GlobalTypes and any
// *protoregistry.Types are ones.
type ExtensionResolver interface {
	protoregistry.ExtensionTypeResolver
	RangeExtensionsByMessage(message protoreflect.FullName, f func(protoreflect.ExtensionType) bool)
}

// ServerOptions says where a reflection server finds what it describes.
type ServerOptions struct {
	// Services lists the services for list_services. If nil, the list is
	// empty.
	Services ServiceInfoProvider
	// DescriptorResolver finds files by name and symbols by full name. If
	// nil, protoregistry.GlobalFiles.
	DescriptorResolver protodesc.Resolver
	// ExtensionResolver finds extensions. If nil, protoregistry.GlobalTypes.
	ExtensionResolver ExtensionResolver
}

// NewServer returns a v1alpha reflection service implementation to register
// with v1alpha's RegisterServerReflectionServer, for a server whose
// services, descriptors or extensions are not the defaults Register uses.
func NewServer(opts ServerOptions) v1alphagrpc.ServerReflectionServer {
	return &v1alphaServer{v1: newServer(opts)}
}

// NewServerV1 is NewServer for grpc.reflection.v1.ServerReflection.
func NewServerV1(opts ServerOptions) v1grpc.ServerReflectionServer {
	return newServer(opts)
}

func newServer(opts ServerOptions) *server {
	s := &server{services: opts.Services, files: opts.DescriptorResolver, extensions: opts.ExtensionResolver}
	if s.files == nil {
		s.files = protoregistry.GlobalFiles
	}
	if s.extensions == nil {
		s.extensions = protoregistry.GlobalTypes
	}
	return s
}
