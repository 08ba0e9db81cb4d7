package main

import (
	"context"
	"fmt"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"

	pb "github.com/actorpc/actorpc/examples/route_guide/routeguide"
)

// notesKeeper is the one goroutine that owns the notes RouteChat calls
// leave, keyed by point. Calls reach it only through its inbox, so the
// notes need no lock however many calls run at once.
type notesKeeper struct {
	inbox chan addNote
	done  <-chan struct{} // closed when the keeper has stopped
}

// addNote asks the keeper to keep note and to answer with every note at
// its point, note included.
type addNote struct {
	note  *pb.RouteNote
	reply chan<- []*pb.RouteNote // room for the one answer: the keeper never waits
}

// startNotesKeeper starts the keeper; it runs until ctx ends.
func startNotesKeeper(ctx context.Context) *notesKeeper {
	k := &notesKeeper{inbox: make(chan addNote), done: ctx.Done()}
	go func() {
		notes := make(map[string][]*pb.RouteNote)
		for {
			select {
			case req := <-k.inbox:
				key := pointKey(req.note.GetLocation())
				notes[key] = append(notes[key], req.note)
				// A copy: the caller sends these after the keeper has
				// moved on and may have appended more.
				req.reply <- append([]*pb.RouteNote(nil), notes[key]...)
			case <-ctx.Done():
				return
			}
		}
	}()
	return k
}

// add keeps note and returns the notes at its point.
func (k *notesKeeper) add(ctx context.Context, note *pb.RouteNote) ([]*pb.RouteNote, error) {
	reply := make(chan []*pb.RouteNote, 1)
	select {
	case k.inbox <- addNote{note: note, reply: reply}:
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	case <-k.done:
		return nil, status.Error(codes.Unavailable, "the server is shutting down")
	}
	return <-reply, nil
}

func pointKey(p *pb.Point) string {
	return fmt.Sprintf("%d %d", p.GetLatitude(), p.GetLongitude())
}
