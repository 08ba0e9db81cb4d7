package channelz

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
)

// GetServers lists the servers from start_server_id on, in id order.
func (s *Service) GetServers(ctx context.Context, req *pb.GetServersRequest) (*pb.GetServersResponse, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	out, end := collect(r, kindServer, req.GetStartServerId(), req.GetMaxResults(), func(e *entity) *pb.Server { return r.serverMsg(ctx, e) })
	return &pb.GetServersResponse{Server: out, End: end}, nil
}

// GetServer returns one server, or NOT_FOUND.
func (s *Service) GetServer(ctx context.Context, req *pb.GetServerRequest) (*pb.GetServerResponse, error) {
	m, err := getOne(ctx, s, kindServer, req.GetServerId(), (*registry).serverMsg)
	if err != nil {
		return nil, err
	}
	return &pb.GetServerResponse{Server: m}, nil
}

// getOne describes the entity of kind k with id, with build (nil: it has
// ended, and is forgotten), or answers NOT_FOUND.
func getOne[M any](ctx context.Context, s *Service, k kind, id int64, build func(*registry, context.Context, *entity) *M) (*M, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	e, err := r.lookup(id, k)
	if err != nil {
		return nil, err
	}
	m := build(r, ctx, e)
	if m == nil {
		r.forget(e)
		return nil, notFound(k, e.id)
	}
	return m, nil
}

// GetServerSockets lists a server's connections from start_socket_id on.
func (s *Service) GetServerSockets(ctx context.Context, req *pb.GetServerSocketsRequest) (*pb.GetServerSocketsResponse, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	e, err := r.lookup(req.GetServerId(), kindServer)
	if err != nil {
		return nil, err
	}
	root, _, running := serverView(ctx, e.server)
	if !running {
		r.forget(e)
		return nil, notFound(kindServer, e.id)
	}
	var es []*entity
	stats := map[*entity]connactor.SocketStats{}
	for _, st := range sockets(root.Children) {
		se := r.actor(kindSocket, st.Ref)
		if se.id >= req.GetStartSocketId() {
			es = append(es, se)
			stats[se] = st
		}
	}
	sortByID(es)
	es, end := page(es, req.GetMaxResults())
	refs := make([]*pb.SocketRef, 0, len(es))
	for _, se := range es {
		refs = append(refs, socketRef(se.id, stats[se]))
	}
	return &pb.GetServerSocketsResponse{SocketRef: refs, End: end}, nil
}

// GetTopChannels lists the channels from start_channel_id on.
func (s *Service) GetTopChannels(ctx context.Context, req *pb.GetTopChannelsRequest) (*pb.GetTopChannelsResponse, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	out, end := collect(r, kindChannel, req.GetStartChannelId(), req.GetMaxResults(), func(e *entity) *pb.Channel { return r.channelMsg(ctx, e) })
	return &pb.GetTopChannelsResponse{Channel: out, End: end}, nil
}

// GetChannel returns one channel, or NOT_FOUND.
func (s *Service) GetChannel(ctx context.Context, req *pb.GetChannelRequest) (*pb.GetChannelResponse, error) {
	m, err := getOne(ctx, s, kindChannel, req.GetChannelId(), (*registry).channelMsg)
	if err != nil {
		return nil, err
	}
	return &pb.GetChannelResponse{Channel: m}, nil
}

// GetSubchannel returns one subchannel, or NOT_FOUND.
func (s *Service) GetSubchannel(ctx context.Context, req *pb.GetSubchannelRequest) (*pb.GetSubchannelResponse, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	e, err := r.lookup(req.GetSubchannelId(), kindSubchannel)
	if err != nil {
		return nil, err
	}
	info := e.ref.Inspect(ctx)
	if !info.Running {
		r.forget(e)
		return nil, notFound(kindSubchannel, e.id)
	}
	st, ok := info.Stats.(rpc.SubchannelStats)
	if !ok {
		return nil, unanswered(ctx, kindSubchannel, e.id)
	}
	return &pb.GetSubchannelResponse{Subchannel: r.subchannelMsg(e.id, st, info.Children)}, nil
}

// GetSocket returns one socket (a connection or a server's listener), or
// NOT_FOUND.
func (s *Service) GetSocket(ctx context.Context, req *pb.GetSocketRequest) (*pb.GetSocketResponse, error) {
	r, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer s.give(r)
	e, err := r.lookup(req.GetSocketId(), kindSocket)
	if err != nil {
		return nil, err
	}
	if e.kind == kindListenSocket {
		return &pb.GetSocketResponse{Socket: listenSocketMsg(e.id, e.listen)}, nil
	}
	info := e.ref.Inspect(ctx)
	if !info.Running {
		r.forget(e)
		return nil, notFound(kindSocket, e.id)
	}
	st, ok := connactor.SocketStatsOf(info)
	if !ok {
		return nil, unanswered(ctx, kindSocket, e.id)
	}
	m := socketMsg(e.id, st)
	if req.GetSummary() {
		m.Data.Option = nil
	}
	return &pb.GetSocketResponse{Socket: m}, nil
}

// serverMsg describes a server: its calls and its listeners; nil once it
// has stopped.
func (r *registry) serverMsg(ctx context.Context, e *entity) *pb.Server {
	root, st, running := serverView(ctx, e.server)
	if !running {
		return nil
	}
	c := callCounts(st.Ended, sockets(root.Children))
	m := &pb.Server{
		Ref: &pb.ServerRef{ServerId: e.id, Name: "server"},
		Data: &pb.ServerData{
			CallsStarted:             c.Started,
			CallsSucceeded:           c.Succeeded,
			CallsFailed:              c.Failed,
			LastCallStartedTimestamp: stamp(c.LastStarted),
		},
	}
	for _, l := range st.Listeners {
		le := r.listener(st.Ref, l)
		m.ListenSocket = append(m.ListenSocket, &pb.SocketRef{SocketId: le.id, Name: l.Addr})
	}
	return m
}

// channelMsg describes a channel: its state, its calls (summed over its
// subchannels) and its subchannels; nil once it is closed.
func (r *registry) channelMsg(ctx context.Context, e *entity) *pb.Channel {
	root := e.cc.Inspect(ctx)
	if !root.Running {
		return nil
	}
	st, _ := root.Stats.(rpc.ChannelStats) // empty when the actor did not answer in time
	c := rpc.CallCounts{Started: st.FailedBeforePick, Failed: st.FailedBeforePick}
	m := &pb.Channel{Ref: &pb.ChannelRef{ChannelId: e.id, Name: st.Target}}
	for _, child := range root.Children {
		sst, ok := child.Stats.(rpc.SubchannelStats)
		if !ok || sst.Ref == nil {
			continue
		}
		se := r.actor(kindSubchannel, sst.Ref)
		m.SubchannelRef = append(m.SubchannelRef, &pb.SubchannelRef{SubchannelId: se.id, Name: sst.Addr})
		sc := callCounts(sst.Ended, sockets(child.Children))
		c.Started += sc.Started
		c.Succeeded += sc.Succeeded
		c.Failed += sc.Failed
		if sc.LastStarted.After(c.LastStarted) {
			c.LastStarted = sc.LastStarted
		}
	}
	m.Data = channelData(st.State, st.Target, c)
	return m
}

// subchannelMsg describes a subchannel and lists its connections.
func (r *registry) subchannelMsg(id int64, st rpc.SubchannelStats, children []actors.Info) *pb.Subchannel {
	live := sockets(children)
	m := &pb.Subchannel{
		Ref:  &pb.SubchannelRef{SubchannelId: id, Name: st.Addr},
		Data: channelData(st.State, st.Addr, callCounts(st.Ended, live)),
	}
	for _, sock := range live {
		se := r.actor(kindSocket, sock.Ref)
		m.SocketRef = append(m.SocketRef, socketRef(se.id, sock))
	}
	return m
}
