package rpc

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/actorpc/actorpc/actors"
)

// Inspect describes the server while it runs, as its tree of actors
// flattened depth first (actors.Flatten: each Info has its Depth, and
// still holds its subtree in Children): the server actor (depth 0), each
// connection actor (1: its streams, windows, GOAWAY state), and below each
// connection its reader, its writer and the handler actor of each call in
// flight (2). The Server is a root: every goroutine it starts is in this
// tree while it runs. Every actor is asked, never read, so this is safe
// under load; ctx bounds it.
func (s *Server) Inspect(ctx context.Context) []actors.Info {
	return actors.Flatten(s.ref.Inspect(ctx))
}

// children are the actors the server owns, for Inspect: its connections.
// Handshakes and graceful closes are short-lived helpers and are not
// listed.
func (a *serverActor) children() []*actors.Ref {
	kids := make([]*actors.Ref, 0, len(a.core.conns))
	for c := range a.core.conns {
		kids = append(kids, c.Ref())
	}
	sort.Slice(kids, func(i, j int) bool { return kids[i].Name() < kids[j].Name() })
	return kids
}

// handleQueued handles what is already in the inbox, so that Inspect
// describes the server after everything told to it before (a handler
// that panicked told it so before its client heard Internal).
func (a *serverActor) handleQueued() {
	for range len(a.s.inbox) {
		a.handle(<-a.s.inbox)
	}
}

// describe is the server actor's state for Inspect.
func (a *serverActor) describe() string {
	desc := fmt.Sprintf("listeners=%d conns=%d handshakes=%d stopping=%t", len(a.core.listeners), len(a.core.conns), a.core.handshakes, a.core.stopping())
	if a.panics.total > 0 {
		desc += fmt.Sprintf(" handler_panics=%d last=[%s]", a.panics.total, strings.Join(a.panics.last, "; "))
	}
	return desc
}

// panicLog keeps the exit reasons of the last handlers that panicked, so
// that Inspect shows them after their actors are gone.
type panicLog struct {
	total int
	last  []string // at most panicLogSize, oldest first
}

const panicLogSize = 8

func (l *panicLog) add(err error) {
	l.total++
	if len(l.last) == panicLogSize {
		l.last = append(l.last[:0], l.last[1:]...)
	}
	l.last = append(l.last, err.Error())
}
