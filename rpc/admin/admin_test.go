package admin

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	channelzpb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

// serve runs s until the test ends and returns a channel to it.
func serve(t *testing.T, s *rpc.Server) *rpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan struct{})
	go func() { defer close(served); s.Serve(lis) }()
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() {
		cc.Close()
		s.Stop()
		<-served
	})
	return cc
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRegisterAddsChannelzAndHealth: channelz lists the server it serves
// on, and health answers SERVING for the server.
func TestRegisterAddsChannelzAndHealth(t *testing.T) {
	s := rpc.NewServer()
	cleanup, err := Register(s)
	require.NoError(t, err)
	defer cleanup()
	cc := serve(t, s)
	ctx := testContext(t)

	resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())

	servers, err := channelzpb.NewChannelzClient(cc).GetServers(ctx, &channelzpb.GetServersRequest{})
	require.NoError(t, err)
	require.Len(t, servers.GetServer(), 1)
	require.Positive(t, servers.GetServer()[0].GetData().GetCallsStarted(), "the health call, at least")
}

// TestRegisterKeepsTheUsersHealth: a health service registered before is
// the one that answers.
func TestRegisterKeepsTheUsersHealth(t *testing.T) {
	s := rpc.NewServer()
	mine := health.NewServer()
	mine.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(s, mine)
	cleanup, err := Register(s)
	require.NoError(t, err)
	defer cleanup()
	cc := serve(t, s)

	resp, err := healthpb.NewHealthClient(cc).Check(testContext(t), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, resp.GetStatus())
}

// TestRegisterAfterServeIsAnError: a registration the server refuses is
// Register's error, not a panic.
func TestRegisterAfterServeIsAnError(t *testing.T) {
	s := rpc.NewServer()
	cc := serve(t, s)
	// A call that reaches the server (no service: Unimplemented) shows
	// that it serves.
	_, err := healthpb.NewHealthClient(cc).Check(testContext(t), &healthpb.HealthCheckRequest{})
	require.Equal(t, codes.Unimplemented, status.Code(err))
	cleanup, err := Register(s)
	require.Error(t, err)
	require.Nil(t, cleanup)
}
