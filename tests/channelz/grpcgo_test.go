package channelz

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	channelzpb "google.golang.org/grpc/channelz/grpc_channelz_v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc
}

// echoServer finds echo serve's own server among those channelz lists
// (the admin server is the other), by its listener.
func echoServer(t *testing.T, cz channelzpb.ChannelzClient, addr string) *channelzpb.Server {
	t.Helper()
	resp, err := cz.GetServers(testContext(t), &channelzpb.GetServersRequest{})
	require.NoError(t, err)
	require.True(t, resp.GetEnd())
	require.Len(t, resp.GetServer(), 2, "echo's server and the admin server")
	for _, s := range resp.GetServer() {
		for _, l := range s.GetListenSocket() {
			if l.GetName() == addr {
				return s
			}
		}
	}
	t.Fatalf("no server listens on %s", addr)
	return nil
}

// TestGrpcGoReadsEchoServeChannelz: grpc-go's channelz client, on a grpc-go
// channel, reads the echo server's calls (a grpc-go client made them, three
// OK and two failing), its connection and that connection's streams,
// messages and windows.
func TestGrpcGoReadsEchoServeChannelz(t *testing.T) {
	s := startEchoServe(t)
	ctx := testContext(t)
	health := healthpb.NewHealthClient(dial(t, s.addr))
	for range 3 {
		_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
	}
	for range 2 {
		_, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: "no.such.Service"})
		require.Equal(t, codes.NotFound, status.Code(err))
	}

	cz := channelzpb.NewChannelzClient(dial(t, s.admin))
	eventually(t, "channelz shows the 5 calls ended: 3 OK, 2 failed", func() bool {
		d := echoServer(t, cz, s.addr).GetData()
		return d.GetCallsStarted() == 5 && d.GetCallsSucceeded() == 3 && d.GetCallsFailed() == 2
	})
	srv := echoServer(t, cz, s.addr)
	require.NotNil(t, srv.GetData().GetLastCallStartedTimestamp())
	require.Len(t, srv.GetListenSocket(), 1)

	socks, err := cz.GetServerSockets(ctx, &channelzpb.GetServerSocketsRequest{ServerId: srv.GetRef().GetServerId()})
	require.NoError(t, err)
	require.True(t, socks.GetEnd())
	require.Len(t, socks.GetSocketRef(), 1, "the health client's one connection")
	var sock *channelzpb.GetSocketResponse
	eventually(t, "the socket's writer told the 3 responses it sent", func() bool {
		sock, err = cz.GetSocket(ctx, &channelzpb.GetSocketRequest{SocketId: socks.GetSocketRef()[0].GetSocketId()})
		require.NoError(t, err)
		return sock.GetSocket().GetData().GetMessagesSent() == 3
	})
	d := sock.GetSocket().GetData()
	require.EqualValues(t, 5, d.GetStreamsStarted())
	require.EqualValues(t, 5, d.GetStreamsSucceeded())
	require.EqualValues(t, 5, d.GetMessagesReceived())
	require.EqualValues(t, 3, d.GetMessagesSent())
	require.NotNil(t, d.GetLastRemoteStreamCreatedTimestamp())
	require.Positive(t, d.GetLocalFlowControlWindow().GetValue())
	require.Positive(t, d.GetRemoteFlowControlWindow().GetValue())
	require.NotNil(t, sock.GetSocket().GetLocal().GetTcpipAddress())
	require.NotNil(t, sock.GetSocket().GetRemote().GetTcpipAddress())

	listen, err := cz.GetSocket(ctx, &channelzpb.GetSocketRequest{SocketId: srv.GetListenSocket()[0].GetSocketId()})
	require.NoError(t, err)
	require.NotNil(t, listen.GetSocket().GetLocal().GetTcpipAddress())

	_, err = cz.GetSocket(ctx, &channelzpb.GetSocketRequest{SocketId: 1 << 40})
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = cz.GetChannel(ctx, &channelzpb.GetChannelRequest{ChannelId: 1 << 40})
	require.Equal(t, codes.NotFound, status.Code(err))
}
