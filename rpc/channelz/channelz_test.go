package channelz

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
	"github.com/actorpc/actorpc/rpc/codes"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

// calls is what a ChannelData or ServerData counted.
type calls struct{ started, succeeded, failed int64 }

func serverCalls(s *pb.Server) calls {
	d := s.GetData()
	return calls{d.GetCallsStarted(), d.GetCallsSucceeded(), d.GetCallsFailed()}
}

func channelCalls(d *pb.ChannelData) calls {
	return calls{d.GetCallsStarted(), d.GetCallsSucceeded(), d.GetCallsFailed()}
}

// TestCallCountsOnBothSides: calls that succeed and calls that fail are
// counted by the server, the channel and its subchannel, each from what
// its connections' actors report.
func TestCallCountsOnBothSides(t *testing.T) {
	w := newWorld(t)
	w.calls(t, 3, 2)
	want := calls{5, 3, 2}
	eventually(t, "the server counts 3 OK and 2 failed calls", func() bool { return serverCalls(w.backendServer(t)) == want })
	eventually(t, "the channel counts them", func() bool { return channelCalls(w.topChannel(t).GetData()) == want })
	require.Equal(t, want, channelCalls(w.subchannel(t).GetData()))

	srv := w.backendServer(t)
	require.NotNil(t, srv.GetData().GetLastCallStartedTimestamp())
	ch := w.topChannel(t)
	require.Equal(t, pb.ChannelConnectivityState_READY, ch.GetData().GetState().GetState())
	require.Equal(t, w.backendAddr, ch.GetData().GetTarget())
	require.NotNil(t, ch.GetData().GetLastCallStartedTimestamp())
}

// TestSocketStreamsMessagesAndWindows: each end's connection counts its
// streams and messages (a failed Check sends no response) and shows its
// flow-control windows.
func TestSocketStreamsMessagesAndWindows(t *testing.T) {
	w := newWorld(t)
	w.calls(t, 3, 2)
	// The streams' ends reach the connection actor, and the writer
	// publishes what it sent, a moment after the client has its answers.
	eventually(t, "the server's socket has seen every stream end and its writer told its messages", func() bool {
		d := w.serverSocket(t).GetData()
		return d.GetStreamsSucceeded()+d.GetStreamsFailed() == 5 && d.GetMessagesSent() == 3
	})
	s := w.serverSocket(t)
	d := s.GetData()
	require.EqualValues(t, 5, d.GetStreamsStarted())
	require.EqualValues(t, 5, d.GetStreamsSucceeded(), "every call ended with END_STREAM both ways")
	require.EqualValues(t, 5, d.GetMessagesReceived())
	require.EqualValues(t, 3, d.GetMessagesSent())
	require.NotNil(t, d.GetLastRemoteStreamCreatedTimestamp())
	require.Nil(t, d.GetLastLocalStreamCreatedTimestamp())
	require.NotNil(t, d.GetLastMessageReceivedTimestamp())
	require.NotNil(t, d.GetLastMessageSentTimestamp())
	require.Positive(t, d.GetLocalFlowControlWindow().GetValue())
	require.Positive(t, d.GetRemoteFlowControlWindow().GetValue())
	require.Equal(t, w.backendAddr, addrString(s.GetLocal()))

	eventually(t, "the client's socket has seen every stream end and its writer told its messages", func() bool {
		d := w.clientSocket(t).GetData()
		return d.GetStreamsSucceeded()+d.GetStreamsFailed() == 5 && d.GetMessagesSent() == 5
	})
	c := w.clientSocket(t)
	d = c.GetData()
	require.EqualValues(t, 5, d.GetStreamsStarted())
	require.EqualValues(t, 5, d.GetStreamsSucceeded())
	require.EqualValues(t, 5, d.GetMessagesSent())
	require.EqualValues(t, 3, d.GetMessagesReceived())
	require.NotNil(t, d.GetLastLocalStreamCreatedTimestamp())
	require.Positive(t, d.GetLocalFlowControlWindow().GetValue())
	require.Equal(t, w.backendAddr, addrString(c.GetRemote()))
	require.Nil(t, c.GetSecurity(), "plaintext")
}

// TestIDsAreStable: asking again gives the same ids, and ids of different
// entities differ.
func TestIDsAreStable(t *testing.T) {
	w := newWorld(t)
	w.calls(t, 1, 0)
	seen := map[int64]string{}
	note := func(id int64, what string) {
		require.Positive(t, id, what)
		if prev, ok := seen[id]; ok {
			require.Equal(t, prev, what, "id %d names two entities", id)
		}
		seen[id] = what
	}
	for range 2 {
		for _, s := range w.servers(t) {
			note(s.GetRef().GetServerId(), "server "+s.GetListenSocket()[0].GetName())
			for _, l := range s.GetListenSocket() {
				note(l.GetSocketId(), "listener "+l.GetName())
			}
		}
		ch := w.topChannel(t)
		note(ch.GetRef().GetChannelId(), "channel")
		note(ch.GetSubchannelRef()[0].GetSubchannelId(), "subchannel")
		note(w.clientSocket(t).GetRef().GetSocketId(), "client socket")
		note(w.serverSocket(t).GetRef().GetSocketId(), "server socket")
	}
	require.Len(t, seen, 8, "2 servers, 2 listeners, a channel, a subchannel, 2 sockets")
}

// TestUnknownIDsAreNotFound: ids never handed out, and ids of another
// kind, are NOT_FOUND with a message naming what was asked.
func TestUnknownIDsAreNotFound(t *testing.T) {
	w := newWorld(t)
	ctx := testContext(t)
	channelID := w.topChannel(t).GetRef().GetChannelId()
	check := func(err error, what string) {
		t.Helper()
		require.Equal(t, codes.NotFound, status.Code(err), "%s: %v", what, err)
		require.Contains(t, status.Convert(err).Message(), what)
	}
	_, err := w.cz.GetServer(ctx, &pb.GetServerRequest{ServerId: 9999})
	check(err, "server")
	_, err = w.cz.GetServer(ctx, &pb.GetServerRequest{ServerId: channelID})
	check(err, "server")
	_, err = w.cz.GetChannel(ctx, &pb.GetChannelRequest{ChannelId: 9999})
	check(err, "channel")
	_, err = w.cz.GetSubchannel(ctx, &pb.GetSubchannelRequest{SubchannelId: channelID})
	check(err, "subchannel")
	_, err = w.cz.GetSocket(ctx, &pb.GetSocketRequest{SocketId: -1})
	check(err, "socket")
	_, err = w.cz.GetServerSockets(ctx, &pb.GetServerSocketsRequest{ServerId: 0})
	check(err, "server")
}

// TestPagination: max_results cuts a page, end says whether more follow,
// and start ids walk the rest in ascending order.
func TestPagination(t *testing.T) {
	w := newWorld(t)
	for range 3 {
		s, _, _ := serveOn(t, func(*rpc.Server) {})
		w.svc.AddServer(s)
	}
	ctx := testContext(t)
	var ids []int64
	start := int64(0)
	for {
		resp, err := w.cz.GetServers(ctx, &pb.GetServersRequest{StartServerId: start, MaxResults: 2})
		require.NoError(t, err)
		require.LessOrEqual(t, len(resp.GetServer()), 2)
		for _, s := range resp.GetServer() {
			ids = append(ids, s.GetRef().GetServerId())
			start = s.GetRef().GetServerId() + 1
		}
		if resp.GetEnd() {
			break
		}
		require.Len(t, resp.GetServer(), 2, "a page that is not the last is full")
	}
	require.Len(t, ids, 5)
	require.IsIncreasing(t, ids)

	all, err := w.cz.GetServers(ctx, &pb.GetServersRequest{StartServerId: ids[3]})
	require.NoError(t, err)
	require.True(t, all.GetEnd())
	require.Len(t, all.GetServer(), 2)
}

// TestEndedConnectionsStayCounted: a closed channel's calls stay in the
// server's totals (the server actor keeps what its ended connections
// did), and a stopped server is forgotten.
func TestEndedConnectionsStayCounted(t *testing.T) {
	w := newWorld(t)
	w.calls(t, 2, 1)
	id := w.backendServer(t).GetRef().GetServerId()
	require.NoError(t, w.cc.Close())
	eventually(t, "the server has no connection left", func() bool {
		resp, err := w.cz.GetServerSockets(testContext(t), &pb.GetServerSocketsRequest{ServerId: id})
		require.NoError(t, err)
		return len(resp.GetSocketRef()) == 0
	})
	require.Equal(t, calls{3, 2, 1}, serverCalls(w.serverByID(t, id)))
	require.Nil(t, w.channelTo(t, w.backendAddr), "a closed channel is not listed")

	w.stopB()
	_, err := w.cz.GetServer(testContext(t), &pb.GetServerRequest{ServerId: id})
	require.Equal(t, codes.NotFound, status.Code(err))
}

// TestCallsFailedBeforePick: a call that fails because the channel has no
// connection to give it (its backend refuses connections) counts as
// started and failed on the channel, and on none of its subchannels.
func TestCallsFailedBeforePick(t *testing.T) {
	w := newWorld(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := lis.Addr().String()
	require.NoError(t, lis.Close())
	cc := dial(t, dead)
	w.svc.AddChannel(cc)
	_, err = healthpb.NewHealthClient(cc).Check(testContext(t), &healthpb.HealthCheckRequest{})
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)

	ch := w.channelTo(t, dead)
	require.NotNil(t, ch, "the channel to %s is listed", dead)
	require.Equal(t, calls{1, 0, 1}, channelCalls(ch.GetData()))
	for _, ref := range ch.GetSubchannelRef() {
		sub, err := w.cz.GetSubchannel(testContext(t), &pb.GetSubchannelRequest{SubchannelId: ref.GetSubchannelId()})
		require.NoError(t, err)
		require.Equal(t, calls{}, channelCalls(sub.GetSubchannel().GetData()))
	}
}

// TestListsEveryServerAndChannel: as grpc-go's, channelz lists the
// servers and channels of the process nobody handed to it, until they
// stop or close.
func TestListsEveryServerAndChannel(t *testing.T) {
	w := newWorld(t)
	_, otherAddr, stopOther := serveOn(t, func(*rpc.Server) {})
	cc := dial(t, otherAddr)
	require.NotNil(t, w.channelTo(t, otherAddr), "a channel not given to channelz is listed")
	require.NotNil(t, w.serverOn(t, otherAddr), "a server not given to channelz is listed")

	require.NoError(t, cc.Close())
	require.Nil(t, w.channelTo(t, otherAddr), "a closed channel is not listed")
	stopOther()
	for _, srv := range w.servers(t) {
		for _, l := range srv.GetListenSocket() {
			require.NotEqual(t, otherAddr, l.GetName(), "a stopped server is not listed")
		}
	}
}
