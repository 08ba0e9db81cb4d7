package rpc

import (
	"context"
	"errors"
	"log/slog"

	"github.com/actorpc/actorpc/actors"
)

// WithLogger makes the client log its connections' rare events to l:
// connects, handshake failures, GOAWAY sent or received, keepalive
// failures, resets for a protocol violation, a panic in a policy, a picker
// or a stats handler. Nothing is logged per message. A nil l logs nothing.
//
// Without it the client logs to slog.Default(), at Warn and above only: a
// library should be quiet while all is well, yet a dead peer found by
// keepalive or a panic ended with Internal is something its user wants to
// hear of without asking. Give a logger at Debug to see every connect and
// GOAWAY.
//
// Some events are logged from a connection's actor loop (the events are
// rare, and the loop is where they happen): a slog.Handler that blocks
// holds that connection while it does.
func WithLogger(l *slog.Logger) DialOption {
	return func(o *dialOptions) { o.logger = orDiscard(l) }
}

// Logger makes the server log its connections' rare events to l, as
// WithLogger does for a client (a panicking handler too). Without it the
// server logs to slog.Default() at Warn and above; a nil l logs nothing.
func Logger(l *slog.Logger) ServerOption {
	return func(o *serverOptions) { o.logger = orDiscard(l) }
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// defaultLogger is the logger when none is given: slog.Default(), as it is
// when the client or server is made, from Warn up.
func defaultLogger() *slog.Logger {
	return slog.New(warnAndAbove{slog.Default().Handler()})
}

// warnAndAbove passes on only the records at Warn and above.
type warnAndAbove struct{ slog.Handler }

func (h warnAndAbove) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnAndAbove) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnAndAbove{h.Handler.WithAttrs(attrs)}
}

func (h warnAndAbove) WithGroup(name string) slog.Handler {
	return warnAndAbove{h.Handler.WithGroup(name)}
}

// logPanics is an OnExit that logs an actor's panic (its exit reason):
// the abnormal end of a subchannel actor. (The channel and server actors
// run no user code unguarded: a policy's or a handler's panic is logged
// where it is recovered.)
func logPanics(log *slog.Logger, attrs ...any) actors.Option {
	return actors.OnExit(func(name string, err error) {
		var p *actors.PanicError
		if errors.As(err, &p) {
			log.Error("rpc: an actor panicked", append([]any{"actor", name, "error", err.Error()}, attrs...)...)
		}
	})
}
