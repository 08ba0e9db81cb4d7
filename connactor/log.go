package connactor

import (
	"context"
	"errors"
	"log/slog"
	"net"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/actors"
)

// A connection logs its rare events to Config.Logger: connected, a failed
// handshake, GOAWAY sent or received, a keepalive that found the peer
// dead, a stream reset for a protocol violation, and a panic that ended
// one of its actors. Nothing per frame or per message. Most are logged
// from the connection actor's loop, where they happen: a slog.Handler
// that blocks holds the connection meanwhile (the user's choice).
//
// Every record carries the connection's name (Config.Name), its role and
// its peer's address; the layer above adds its own (a client's target)
// with Logger.With.

// discard is the logger of a connection given none.
var discard = slog.New(slog.DiscardHandler)

// logger is cfg's logger, or one that discards.
func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return discard
	}
	return c.Logger
}

// logConn logs msg about the connection cfg describes, whose peer is
// remote, with attrs after the connection's own.
func logConn(cfg Config, remote net.Addr, level slog.Level, msg string, attrs ...any) {
	l := cfg.logger()
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	peer := ""
	if remote != nil {
		peer = remote.String()
	}
	l.Log(ctx, level, msg, append([]any{"conn", cfg.Name, "role", cfg.Role.String(), "peer", peer}, attrs...)...)
}

// log logs msg about a's connection.
func (a *connActor) log(level slog.Level, msg string, attrs ...any) {
	logConn(a.cfg, a.c.remote, level, msg, attrs...)
}

// goAwayLevel is the level of a GOAWAY received: without an error it is
// routine; with one (we broke the protocol, pinged too often) it is worth
// a warning. A GOAWAY we send is Info whatever its code: a peer at fault
// is the peer's business, and must not fill the server's log at Warn.
func goAwayLevel(code http2.ErrCode) slog.Level {
	if code == http2.ErrCodeNo {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// isViolation: a stream reset with code is the peer's fault (RFC 9113
// 5.4.2), not our cancel or our limits.
func isViolation(code http2.ErrCode) bool {
	switch code {
	case http2.ErrCodeProtocol, http2.ErrCodeStreamClosed, http2.ErrCodeFlowControl, http2.ErrCodeFrameSize:
		return true
	}
	return false
}

// logHandshake logs how a handshake with nc went.
func logHandshake(cfg Config, nc net.Conn, err error) {
	if err != nil {
		logConn(cfg, nc.RemoteAddr(), slog.LevelInfo, "connactor: HTTP/2 handshake failed", "error", err.Error())
		return
	}
	logConn(cfg, nc.RemoteAddr(), slog.LevelDebug, "connactor: connected", "local", nc.LocalAddr().String())
}

// logPanic is an OnExit of the connection's actors: an actor that
// panicked is logged (the connection then ends).
func logPanic(cfg Config, remote net.Addr) actors.Option {
	return actors.OnExit(func(name string, err error) {
		var p *actors.PanicError
		if errors.As(err, &p) {
			logConn(cfg, remote, slog.LevelError, "connactor: an actor of the connection panicked", "actor", name, "error", err.Error())
		}
	})
}
