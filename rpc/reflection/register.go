package reflection

import (
	"github.com/actorpc/actorpc/rpc"
	v1grpc "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	v1alphagrpc "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha"
)

// GRPCServer is what Register needs of a server: to register services and to
// tell which are registered. *rpc.Server is one.
type GRPCServer interface {
	rpc.ServiceRegistrar
	ServiceInfoProvider
}

var _ GRPCServer = (*rpc.Server)(nil)

// Register registers both reflection services, v1 and v1alpha, on s; like
// any registration it must come before s.Serve. They describe every service
// registered on s (themselves included) from protobuf's global registries.
// Both are registered because clients differ: grpcurl asks v1 first and
// falls back to v1alpha, older tools know only v1alpha.
func Register(s GRPCServer) {
	v1 := newServer(ServerOptions{Services: s})
	v1grpc.RegisterServerReflectionServer(s, v1)
	v1alphagrpc.RegisterServerReflectionServer(s, &v1alphaServer{v1: v1})
}

// RegisterV1 registers only grpc.reflection.v1.ServerReflection on s.
func RegisterV1(s GRPCServer) {
	v1grpc.RegisterServerReflectionServer(s, newServer(ServerOptions{Services: s}))
}
