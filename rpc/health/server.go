package health

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

// maxListedServices is List's limit: above it List fails with
// ResourceExhausted rather than send an unbounded answer (health.proto).
const maxListedServices = 100

// Server is the health service. Register it with
// healthpb.RegisterHealthServer; its methods are safe to call from any
// goroutine.
//
// Ownership: the status of each service, the shutdown flag and the
// watchers belong to one actor (see registry). The actor is not a
// permanent goroutine: it runs only while it has work or Watch calls to
// serve, and between those times its state rests in parked. A Server that
// is never used, or whose watchers have all gone, holds no goroutine, so it
// needs no Close and cannot leak one, which matters because grpc-go's API
// (which this one mirrors) has no Close to call.
type Server struct {
	healthpb.UnimplementedHealthServer

	// parked holds the actor's state while no actor runs (capacity one).
	// The caller that takes it from there spawns the actor with it, so at
	// most one actor exists at a time, and only that actor touches the
	// state. The actor puts it back as it ends; that never blocks, since it
	// was just taken.
	parked chan *registry // from: health actor to caller; never
	// inbox is how callers reach a running actor. Unbuffered: a message is
	// either received by the actor or not sent at all, so none is lost when
	// the actor parks. A sender waits only while the actor handles the
	// message before (it never waits on anyone itself).
	inbox chan request // from: caller to health actor; blocks
}

var _ healthpb.HealthServer = (*Server)(nil)

// NewServer returns a health service in which the server as a whole ("")
// is SERVING and no other service is known.
func NewServer() *Server {
	s := &Server{parked: make(chan *registry, 1), inbox: make(chan request)}
	s.parked <- &registry{
		statuses: map[string]healthpb.HealthCheckResponse_ServingStatus{"": healthpb.HealthCheckResponse_SERVING},
		watchers: make(map[*watcher]struct{}),
	}
	return s
}

// send hands r to the actor, first starting it with the parked state when
// none runs.
func (s *Server) send(r request) {
	select {
	case reg := <-s.parked:
		actors.Spawn(context.Background(), "health", func(context.Context) error {
			reg.run(s, r)
			return nil
		})
	case s.inbox <- r:
	}
}

// ask sends r and waits for the actor's answer, which it always gives at
// once (its reply channel has room for it).
func (s *Server) ask(r request) reply {
	r.reply = make(chan reply, 1)
	s.send(r)
	return <-r.reply
}

// Check returns the status of the requested service; NotFound when it is
// unknown.
func (s *Server) Check(_ context.Context, in *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	rep := s.ask(request{kind: opCheck, service: in.GetService()})
	if !rep.known {
		return nil, status.Error(codes.NotFound, "unknown service")
	}
	return &healthpb.HealthCheckResponse{Status: rep.status}, nil
}

// List returns the status of every known service, or ResourceExhausted
// when there are more than 100 of them.
func (s *Server) List(_ context.Context, _ *healthpb.HealthListRequest) (*healthpb.HealthListResponse, error) {
	rep := s.ask(request{kind: opList})
	if len(rep.all) > maxListedServices {
		return nil, status.Errorf(codes.ResourceExhausted, "server health list exceeds maximum capacity: %d", maxListedServices)
	}
	out := &healthpb.HealthListResponse{Statuses: make(map[string]*healthpb.HealthCheckResponse, len(rep.all))}
	for name, st := range rep.all {
		out.Statuses[name] = &healthpb.HealthCheckResponse{Status: st}
	}
	return out, nil
}

// SetServingStatus records the status of service ("" for the server as a
// whole) and tells its watchers. After Shutdown it is ignored until
// Resume. It never waits for a watcher.
func (s *Server) SetServingStatus(service string, servingStatus healthpb.HealthCheckResponse_ServingStatus) {
	s.send(request{kind: opSet, service: service, status: servingStatus})
}

// Shutdown sets every service NOT_SERVING and ignores SetServingStatus
// until Resume: call it when the server starts going away, so that
// clients move to other backends first.
func (s *Server) Shutdown() { s.send(request{kind: opShutdown}) }

// Resume sets every service SERVING and accepts SetServingStatus again.
func (s *Server) Resume() { s.send(request{kind: opResume}) }

// Watch sends the status of the requested service at once (SERVICE_UNKNOWN
// when it is unknown), then each change, until the client cancels or the
// server stops. Between two sends only the newest status is kept: a client
// that reads slowly skips statuses, it does not make the server queue them.
func (s *Server) Watch(in *healthpb.HealthCheckRequest, stream rpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	w := &watcher{service: in.GetService(), updates: make(chan healthpb.HealthCheckResponse_ServingStatus, 1)}
	s.send(request{kind: opWatch, watcher: w})
	defer s.send(request{kind: opUnwatch, watcher: w})
	ctx := stream.Context()
	sent := false
	var last healthpb.HealthCheckResponse_ServingStatus
	for {
		select {
		case st := <-w.updates:
			if sent && st == last {
				continue
			}
			if err := stream.Send(&healthpb.HealthCheckResponse{Status: st}); err != nil {
				return status.Errorf(codes.Canceled, "health: sending the watched status failed: %v", err)
			}
			sent, last = true, st
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
}
