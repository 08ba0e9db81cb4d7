package rpc

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
)

// Inspect describes the server while it runs: the server actor first, then
// each connection actor (its streams, windows, GOAWAY state). Every actor
// is asked, never read, so this is safe under load; ctx bounds it.
func (s *Server) Inspect(ctx context.Context) []actors.Info {
	infos := []actors.Info{s.ref.Inspect(ctx)}
	conns, err := actors.Ask(ctx, s.inbox, s.ref.Done(), func(reply chan<- []*connactor.Conn) serverMsg {
		return listConnsMsg{reply: reply}
	})
	if err != nil {
		return infos
	}
	for _, c := range conns {
		infos = append(infos, c.Inspect(ctx))
	}
	return infos
}
