// Package admin registers the services an operator asks a gRPC server
// about, as grpc-go's admin package does: channelz (every server and
// channel of the process listed in it) and, unless the server already has
// one, the health service.
package admin

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/channelz"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// Register registers the admin services on s; call it before s serves.
// cleanup is grpc-go's contract (call it once s has stopped); these
// services hold nothing between calls (no goroutine, no timer), so it has
// nothing to release. A registration refused (s already serving, or
// stopped) is the error.
func Register(s *rpc.Server) (cleanup func(), err error) {
	defer func() {
		if v := recover(); v != nil {
			cleanup, err = nil, fmt.Errorf("admin: registering on the server: %v", v)
		}
	}()
	channelz.Register(s)
	if _, has := s.GetServiceInfo()[healthpb.Health_ServiceDesc.ServiceName]; !has {
		healthpb.RegisterHealthServer(s, health.NewServer())
	}
	return func() {}, nil
}
