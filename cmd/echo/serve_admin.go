package main

import (
	"fmt"
	"io"
	"net"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/channelz"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/reflection"
)

// adminServer is "echo serve --admin-addr": a second server, on its own
// listener, with the admin services: channelz (listing the echo server
// and itself), health and reflection, so that grpcurl and channelz
// clients find their way around it. It is off unless asked for.
type adminServer struct {
	srv    *rpc.Server
	served chan error
}

// startAdmin listens on addr and serves the admin services about echo.
func startAdmin(addr string, echo *rpc.Server, stdout io.Writer) (*adminServer, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: listen on %s: %w", addr, err)
	}
	srv := rpc.NewServer()
	channelz.Register(srv).AddServer(echo) // listed anyway; its id comes first
	healthpb.RegisterHealthServer(srv, health.NewServer())
	reflection.Register(srv)
	a := &adminServer{srv: srv, served: make(chan error, 1)}
	go func() { a.served <- srv.Serve(lis) }()
	fmt.Fprintf(stdout, "admin listening on %s\n", lis.Addr())
	return a, nil
}

// stop ends the admin server at once: its calls are an operator's.
func (a *adminServer) stop() error {
	if a == nil {
		return nil
	}
	a.srv.Stop()
	return <-a.served
}
