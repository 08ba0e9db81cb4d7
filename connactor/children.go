package connactor

import "github.com/actorpc/actorpc/actors"

// children are the actors the connection owns, for Inspect: its reader,
// its writer and each open stream's actor (a server's handler, a client's
// stream actor). Asked on the connection actor's goroutine.
func (a *connActor) children() []*actors.Ref {
	kids := make([]*actors.Ref, 0, 2+len(a.streams))
	kids = append(kids, a.reader, a.writer)
	for _, e := range a.streams {
		if e.actor != nil {
			kids = append(kids, e.actor)
		}
	}
	return kids
}
