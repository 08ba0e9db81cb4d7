package channelz

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
)

// Service is the channelz service over the servers and channels of the
// process.
type Service struct {
	pb.UnimplementedChannelzServer
	// reg is the registry while no call holds it.
	reg chan *registry // from: channelz call to channelz call; never: a one-slot channel holding the one registry, put back by whoever took it
}

// NewService returns a channelz service over every server and channel of
// the process that is open.
func NewService() *Service {
	s := &Service{reg: make(chan *registry, 1)}
	s.reg <- newRegistry()
	return s
}

// Register registers the channelz service on srv, as grpc-go's
// channelz/service.RegisterChannelzServiceToServer does: it lists every
// server and channel of the process.
func Register(srv *rpc.Server) *Service {
	s := NewService()
	pb.RegisterChannelzServer(srv, s)
	s.AddServer(srv)
	return s
}

// AddServer lists srv (GetServers) until it has stopped. Every server of
// the process is listed anyway; AddServer gives srv its id now.
func (s *Service) AddServer(srv *rpc.Server) {
	r := <-s.reg
	r.server(srv)
	s.give(r)
}

// AddChannel lists cc (GetTopChannels) until it is closed. Every channel
// of the process is listed anyway; AddChannel gives cc its id now.
func (s *Service) AddChannel(cc *rpc.ClientConn) {
	r := <-s.reg
	r.channel(cc)
	s.give(r)
}

// defaultPage is the page size when a request leaves max_results at 0.
const defaultPage = 100

// page cuts the entities to max results (0: defaultPage); end says none
// were left out.
func page(es []*entity, max int64) ([]*entity, bool) {
	if max <= 0 {
		max = defaultPage
	}
	if int64(len(es)) > max {
		return es[:max], false
	}
	return es, true
}

// collect describes the entities of kind k from id start on, in id order,
// at most max of them (0: defaultPage), forgetting those that ended (build
// returns nil); end says none were left out.
func collect[M any](r *registry, k kind, start, max int64, build func(*entity) *M) (out []*M, end bool) {
	if max <= 0 {
		max = defaultPage
	}
	for _, e := range r.sorted(k, start) {
		m := build(e)
		if m == nil {
			r.forget(e)
			continue
		}
		if int64(len(out)) == max {
			return out, false
		}
		out = append(out, m)
	}
	return out, true
}

// serverView is the root of a server's actor tree and its snapshot (empty
// when the actor did not answer before ctx ended); running is false once
// the server has stopped.
func serverView(ctx context.Context, srv *rpc.Server) (root actors.Info, st rpc.ServerStats, running bool) {
	infos := srv.Inspect(ctx)
	if len(infos) == 0 || !infos[0].Running {
		return actors.Info{}, rpc.ServerStats{}, false
	}
	st, _ = infos[0].Stats.(rpc.ServerStats)
	return infos[0], st, true
}

// sockets lists the connections among infos, as they answered.
func sockets(infos []actors.Info) []connactor.SocketStats {
	var out []connactor.SocketStats
	for _, c := range infos {
		if st, ok := connactor.SocketStatsOf(c); ok && st.Ref != nil {
			out = append(out, st)
		}
	}
	return out
}
