package health

import (
	"log/slog"
	"maps"

	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// registry is the health actor's state. Owned by the running actor; at
// rest (no actor running) owned by nobody, inside Server.parked.
type registry struct {
	statuses map[string]healthpb.HealthCheckResponse_ServingStatus
	shutdown bool // after Shutdown and before Resume: SetServingStatus is ignored
	watchers map[*watcher]struct{}
}

// watcher is one Watch call. updates holds the newest status the call has
// not sent yet. The actor, its only sender, replaces an unread status
// rather than wait.
type watcher struct {
	service string
	updates chan healthpb.HealthCheckResponse_ServingStatus // from: health actor to Watch call; never
}

type opKind uint8

const (
	opCheck    opKind = iota // reply: known, status
	opList                   // reply: all
	opSet                    // service, status
	opShutdown               //
	opResume                 //
	opWatch                  // watcher
	opUnwatch                // watcher
)

// request is a message to the health actor.
type request struct {
	kind    opKind
	service string
	status  healthpb.HealthCheckResponse_ServingStatus
	watcher *watcher
	reply   chan reply // from: health actor to caller; never (Check, List; room for the one answer)
}

type reply struct {
	known  bool
	status healthpb.HealthCheckResponse_ServingStatus
	all    map[string]healthpb.HealthCheckResponse_ServingStatus
}

// run is the actor: it handles first, then whatever arrives while it has
// watchers to serve. With none left and nothing waiting it parks the state
// and ends; the next caller starts a new actor.
func (r *registry) run(s *Server, first request) {
	r.handle(first)
	for {
		if len(r.watchers) == 0 {
			select {
			case m := <-s.inbox:
				r.handle(m)
				continue
			default:
				s.parked <- r
				return
			}
		}
		r.handle(<-s.inbox)
	}
}

func (r *registry) handle(m request) {
	switch m.kind {
	case opCheck:
		st, ok := r.statuses[m.service]
		m.reply <- reply{known: ok, status: st}
	case opList:
		m.reply <- reply{all: maps.Clone(r.statuses)}
	case opSet:
		if r.shutdown {
			slog.Info("health: SetServingStatus ignored after Shutdown (call Resume first)", "service", m.service, "status", m.status)
			return
		}
		r.set(m.service, m.status)
	case opShutdown:
		r.shutdown = true
		for name := range r.statuses {
			r.set(name, healthpb.HealthCheckResponse_NOT_SERVING)
		}
	case opResume:
		r.shutdown = false
		for name := range r.statuses {
			r.set(name, healthpb.HealthCheckResponse_SERVING)
		}
	case opWatch:
		r.watchers[m.watcher] = struct{}{}
		st, ok := r.statuses[m.watcher.service]
		if !ok {
			st = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
		}
		m.watcher.offer(st)
	case opUnwatch:
		delete(r.watchers, m.watcher)
	}
}

// set records a service's status and offers it to its watchers.
func (r *registry) set(service string, st healthpb.HealthCheckResponse_ServingStatus) {
	r.statuses[service] = st
	for w := range r.watchers {
		if w.service == service {
			w.offer(st)
		}
	}
}

// offer puts st in the watcher's slot, replacing a status it has not taken
// yet. The actor is the slot's only sender, so once emptied the slot has
// room and the send cannot block.
func (w *watcher) offer(st healthpb.HealthCheckResponse_ServingStatus) {
	select {
	case <-w.updates:
	default:
	}
	w.updates <- st
}
