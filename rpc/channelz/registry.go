package channelz

import (
	"context"
	"sort"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/internal/live"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// kind is what an id names.
type kind uint8

const (
	kindServer kind = iota + 1
	kindChannel
	kindSubchannel
	kindSocket
	kindListenSocket
)

func (k kind) String() string {
	switch k {
	case kindServer:
		return "server"
	case kindChannel:
		return "channel"
	case kindSubchannel:
		return "subchannel"
	case kindSocket, kindListenSocket:
		return "socket"
	}
	return "entity"
}

// entity is what an id stands for.
type entity struct {
	id     int64
	kind   kind
	server *rpc.Server     // kindServer
	cc     *rpc.ClientConn // kindChannel
	ref    *actors.Ref     // kindSubchannel, kindSocket: its actor
	listen rpc.ListenAddr  // kindListenSocket
	owner  *actors.Ref     // kindListenSocket: its server's actor
	gone   <-chan struct{} // from: connection, subchannel, server actor to channelz call; never (its actor's Done, closed as it ends; nil: ask the entity)
}

// registry maps ids to entities and back. It is owned by whichever call
// holds it (see Service.take).
type registry struct {
	next  int64
	byID  map[int64]*entity
	byKey map[any]*entity // *rpc.Server, *rpc.ClientConn, *actors.Ref, listenKey
}

// listenKey names a listener of a server.
type listenKey struct {
	owner *actors.Ref
	addr  rpc.ListenAddr
}

func newRegistry() *registry {
	return &registry{byID: map[int64]*entity{}, byKey: map[any]*entity{}}
}

// add returns key's entity, made with a fresh id by mk the first time.
func (r *registry) add(key any, mk func() *entity) *entity {
	if e, ok := r.byKey[key]; ok {
		return e
	}
	r.next++
	e := mk()
	e.id = r.next
	r.byID[e.id] = e
	r.byKey[key] = e
	return e
}

func (r *registry) server(s *rpc.Server) *entity {
	return r.add(s, func() *entity { return &entity{kind: kindServer, server: s} })
}

func (r *registry) channel(cc *rpc.ClientConn) *entity {
	return r.add(cc, func() *entity { return &entity{kind: kindChannel, cc: cc} })
}

// addLive lists every server and channel of the process that is open
// (internal/live), as grpc-go's channelz does; those given by AddServer
// and AddChannel are among them.
func (r *registry) addLive() {
	for _, x := range live.List() {
		switch x := x.(type) {
		case *rpc.Server:
			r.server(x)
		case *rpc.ClientConn:
			r.channel(x)
		}
	}
}

// actor is the entity of a subchannel's or a socket's actor.
func (r *registry) actor(k kind, ref *actors.Ref) *entity {
	return r.add(ref, func() *entity { return &entity{kind: k, ref: ref, gone: ref.Done()} })
}

func (r *registry) listener(owner *actors.Ref, addr rpc.ListenAddr) *entity {
	return r.add(listenKey{owner, addr}, func() *entity {
		return &entity{kind: kindListenSocket, listen: addr, owner: owner, gone: owner.Done()}
	})
}

// forget drops an entity that has ended.
func (r *registry) forget(e *entity) {
	delete(r.byID, e.id)
	for k, v := range r.byKey {
		if v == e {
			delete(r.byKey, k)
		}
	}
}

// prune forgets the subchannels and sockets whose actors have ended.
func (r *registry) prune() {
	for _, e := range r.byID {
		if e.gone == nil {
			continue
		}
		select {
		case <-e.gone:
			r.forget(e)
		default:
		}
	}
}

// lookup finds id as an entity of kind k (a listen socket is a socket).
func (r *registry) lookup(id int64, k kind) (*entity, error) {
	e, ok := r.byID[id]
	if !ok || (e.kind != k && !(k == kindSocket && e.kind == kindListenSocket)) {
		return nil, status.Errorf(codes.NotFound, "channelz: no %s with id %d (it never existed or has ended)", k, id)
	}
	return e, nil
}

// sorted lists the entities of kind k with ids from start on, in id order.
func (r *registry) sorted(k kind, start int64) []*entity {
	var out []*entity
	for _, e := range r.byID {
		if e.kind == k && e.id >= start {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// take waits for the registry, bounded by ctx; give puts it back.
func (s *Service) take(ctx context.Context) (*registry, error) {
	select {
	case r := <-s.reg:
		r.prune()
		r.addLive()
		return r, nil
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}

func (s *Service) give(r *registry) { s.reg <- r }

func sortByID(es []*entity) {
	sort.Slice(es, func(i, j int) bool { return es[i].id < es[j].id })
}

func notFound(k kind, id int64) error {
	return status.Errorf(codes.NotFound, "channelz: %s %d has ended", k, id)
}

// unanswered is the error for a live entity whose actor did not answer
// before ctx ended.
func unanswered(ctx context.Context, k kind, id int64) error {
	if err := ctx.Err(); err != nil {
		return status.FromContextError(err).Err()
	}
	return status.Errorf(codes.Unavailable, "channelz: %s %d did not answer", k, id)
}
