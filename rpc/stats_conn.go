package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/stats"
)

// A connection's stats (TagConn, ConnBegin, ConnEnd) are never told from
// a connection's, a subchannel's or the server's actor loop. On a server,
// the connection's handshake actor tells them: TagConn and ConnBegin
// before the HTTP/2 handshake (so the calls' contexts, children of the
// connection's, see what TagConn attached), and ConnEnd once the
// connection ended, for which the handshake actor stays until then. On a
// client the subchannel dials in its loop, so an actor of the connection's
// own (connStatsActor) tells them. A handler that blocks holds only that
// actor (and on a server the connection's start); one that panics is
// logged, and the connection goes on.

// tagConn runs every handler's TagConn and tells them ConnBegin; it
// returns the connection's context.
func (hs statsHandlers) beginConn(local, remote net.Addr, client bool, log *slog.Logger) (ctx context.Context) {
	ctx = context.Background()
	defer connStatsRecover(log, "ConnBegin", remote)
	for _, h := range hs {
		ctx = h.TagConn(ctx, &stats.ConnTagInfo{RemoteAddr: remote, LocalAddr: local})
	}
	for _, h := range hs {
		h.HandleConn(ctx, &stats.ConnBegin{Client: client})
	}
	return ctx
}

// endConn tells the handlers ConnEnd.
func (hs statsHandlers) endConn(ctx context.Context, remote net.Addr, client bool, log *slog.Logger) {
	defer connStatsRecover(log, "ConnEnd", remote)
	for _, h := range hs {
		h.HandleConn(ctx, &stats.ConnEnd{Client: client})
	}
}

func connStatsRecover(log *slog.Logger, event string, remote net.Addr) {
	if v := recover(); v != nil {
		log.Error("rpc: a stats handler panicked on a connection's event; the connection goes on",
			"event", event, "peer", fmt.Sprint(remote), "panic", fmt.Sprint(v))
	}
}

// watchConnStats spawns, for a client connection, the actor that tells
// the stats handlers its beginning and its end (nil without handlers). It
// lives under the connection's parent, and as long as the connection; its
// subchannel waits for it as it does for the connection.
func (cc *ClientConn) watchConnStats(parent context.Context, conn *connactor.Conn) *actors.Ref {
	hs := cc.opts.stats
	if len(hs) == 0 {
		return nil
	}
	log := cc.opts.logger
	return actors.Spawn(parent, "conn stats "+conn.RemoteAddr().String(), func(context.Context) error {
		ctx := hs.beginConn(conn.LocalAddr(), conn.RemoteAddr(), true, log)
		<-conn.Done()
		hs.endConn(ctx, conn.RemoteAddr(), true, log)
		return nil
	})
}
