package channelz

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

// world is a backend (the health service, whose Check calls are the calls
// counted), a channel to it, and an admin server with channelz listing
// both, read through a channel of its own (so reading adds no calls to
// what is counted).
type world struct {
	svc         *Service
	backend     *rpc.Server
	backendAddr string
	stopB       func()
	cc          *rpc.ClientConn
	health      healthpb.HealthClient
	cz          pb.ChannelzClient
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{}
	w.backend, w.backendAddr, w.stopB = serveOn(t, func(s *rpc.Server) {
		healthpb.RegisterHealthServer(s, health.NewServer())
	})
	_, adminAddr, _ := serveOn(t, func(s *rpc.Server) { w.svc = Register(s) })
	w.svc.AddServer(w.backend)
	w.cc = dial(t, w.backendAddr)
	w.svc.AddChannel(w.cc)
	w.health = healthpb.NewHealthClient(w.cc)
	w.cz = pb.NewChannelzClient(dial(t, adminAddr))
	return w
}

// serveOn runs a server with what register adds until the test ends (or
// stop); it returns the server and its address.
func serveOn(t *testing.T, register func(*rpc.Server)) (*rpc.Server, string, func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := rpc.NewServer()
	register(s)
	served := make(chan struct{})
	go func() { defer close(served); s.Serve(lis) }()
	stop := sync.OnceFunc(func() {
		s.Stop()
		<-served
	})
	t.Cleanup(stop)
	return s, lis.Addr().String(), stop
}

func dial(t *testing.T, addr string) *rpc.ClientConn {
	t.Helper()
	cc, err := rpc.NewClient(addr, rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// calls makes ok Check calls that succeed and bad ones that fail with
// NOT_FOUND (a service the health server does not know).
func (w *world) calls(t *testing.T, ok, bad int) {
	t.Helper()
	ctx := testContext(t)
	for range ok {
		_, err := w.health.Check(ctx, &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
	}
	for range bad {
		_, err := w.health.Check(ctx, &healthpb.HealthCheckRequest{Service: "no.such.Service"})
		require.Equal(t, codes.NotFound, status.Code(err))
	}
}

// eventually polls cond until it holds: a stream's end reaches its
// connection actor after the caller has its answer, so counts settle a
// moment after the calls return. Nothing is timed: the bound is a
// failsafe.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// Polled on the test's goroutine, so that cond may use require.
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	failsafe := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-failsafe:
			t.Fatalf("never came true: %s", what)
		}
	}
}

// servers lists every server, page by page.
func (w *world) servers(t *testing.T) []*pb.Server {
	t.Helper()
	resp, err := w.cz.GetServers(testContext(t), &pb.GetServersRequest{})
	require.NoError(t, err)
	require.True(t, resp.GetEnd())
	return resp.GetServer()
}

// backendServer is the backend's entry, found by its listener.
func (w *world) backendServer(t *testing.T) *pb.Server {
	t.Helper()
	return w.serverOn(t, w.backendAddr)
}

// topChannel is the channel to the backend.
func (w *world) topChannel(t *testing.T) *pb.Channel {
	t.Helper()
	ch := w.channelTo(t, w.backendAddr)
	require.NotNil(t, ch, "no channel to the backend is listed")
	return ch
}

// channelTo is the one channel listed whose target is target, or nil.
// Channelz lists every channel of the process (the one the test reads
// channelz through among them), so tests find theirs by target.
func (w *world) channelTo(t *testing.T, target string) *pb.Channel {
	t.Helper()
	resp, err := w.cz.GetTopChannels(testContext(t), &pb.GetTopChannelsRequest{})
	require.NoError(t, err)
	var found *pb.Channel
	for _, ch := range resp.GetChannel() {
		if ch.GetData().GetTarget() == target {
			require.Nil(t, found, "two channels to %s", target)
			found = ch
		}
	}
	return found
}

// serverOn is the listed server that listens on addr.
func (w *world) serverOn(t *testing.T, addr string) *pb.Server {
	t.Helper()
	for _, srv := range w.servers(t) {
		for _, l := range srv.GetListenSocket() {
			if l.GetName() == addr {
				return srv
			}
		}
	}
	t.Fatalf("no server listens on %s", addr)
	return nil
}

// socket gets one socket.
func (w *world) socket(t *testing.T, id int64) *pb.Socket {
	t.Helper()
	resp, err := w.cz.GetSocket(testContext(t), &pb.GetSocketRequest{SocketId: id})
	require.NoError(t, err)
	return resp.GetSocket()
}

// serverSocket is the backend's one connection.
func (w *world) serverSocket(t *testing.T) *pb.Socket {
	t.Helper()
	resp, err := w.cz.GetServerSockets(testContext(t), &pb.GetServerSocketsRequest{ServerId: w.backendServer(t).GetRef().GetServerId()})
	require.NoError(t, err)
	require.Len(t, resp.GetSocketRef(), 1)
	return w.socket(t, resp.GetSocketRef()[0].GetSocketId())
}

// clientSocket is the channel's one connection, through its subchannel.
func (w *world) clientSocket(t *testing.T) *pb.Socket {
	t.Helper()
	sub := w.subchannel(t)
	require.Len(t, sub.GetSocketRef(), 1)
	return w.socket(t, sub.GetSocketRef()[0].GetSocketId())
}

func (w *world) subchannel(t *testing.T) *pb.Subchannel {
	t.Helper()
	ch := w.topChannel(t)
	require.Len(t, ch.GetSubchannelRef(), 1)
	resp, err := w.cz.GetSubchannel(testContext(t), &pb.GetSubchannelRequest{SubchannelId: ch.GetSubchannelRef()[0].GetSubchannelId()})
	require.NoError(t, err)
	return resp.GetSubchannel()
}

type rpcServer = rpc.Server

func (w *world) serverByID(t *testing.T, id int64) *pb.Server {
	t.Helper()
	resp, err := w.cz.GetServer(testContext(t), &pb.GetServerRequest{ServerId: id})
	require.NoError(t, err)
	return resp.GetServer()
}

// addrString is an Address as host:port.
func addrString(a *pb.Address) string {
	ip, _ := netip.AddrFromSlice(a.GetTcpipAddress().GetIpAddress())
	return netip.AddrPortFrom(ip, uint16(a.GetTcpipAddress().GetPort())).String()
}
