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

	// A call's end reaches its connection's tally a moment after the
	// client has its answer, so the count is polled (the bound is a
	// failsafe, not a timing).
	cz := channelzpb.NewChannelzClient(cc)
	failsafe := time.After(20 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		servers, err := cz.GetServers(ctx, &channelzpb.GetServersRequest{})
		require.NoError(t, err)
		require.Len(t, servers.GetServer(), 1, "the one server of the process")
		if servers.GetServer()[0].GetData().GetCallsStarted() > 0 {
			return // the health call, at least
		}
		select {
		case <-tick.C:
		case <-failsafe:
			t.Fatal("the server never counted the health call")
		}
	}
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
