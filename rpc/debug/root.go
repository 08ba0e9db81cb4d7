package debug

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc"
)

// A Root is a tree of actors the page shows: a *rpc.ClientConn is one,
// and Server makes one of a *rpc.Server.
type Root interface {
	Inspect(ctx context.Context) actors.Info
}

var _ Root = (*rpc.ClientConn)(nil)

// Server is s's tree of actors as a Root.
func Server(s *rpc.Server) Root { return serverRoot{s} }

type serverRoot struct{ s *rpc.Server }

// Inspect is the server actor with its tree below it (Server.Inspect's
// first entry holds the rest in its Children).
func (r serverRoot) Inspect(ctx context.Context) actors.Info {
	if all := r.s.Inspect(ctx); len(all) > 0 {
		return all[0]
	}
	return actors.Info{Name: "server", MailboxDepth: -1, MailboxCap: -1}
}
