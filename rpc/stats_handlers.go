package rpc

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/stats"
	"github.com/actorpc/actorpc/rpc/status"
)

// StatsHandler adds h to the server's stats handlers: it is told of every
// connection and call (see package stats). Several stack, called in the
// order given.
//
// A handler runs on the call's handler actor, never in a connection's
// loop: a slow one slows its own call. One that panics ends its call with
// Internal, as a panicking interceptor does.
func StatsHandler(h stats.Handler) ServerOption {
	return func(o *serverOptions) {
		if h != nil {
			o.stats = append(o.stats, h)
		}
	}
}

// WithStatsHandler adds h to the client's stats handlers: it is told of
// every connection and of every attempt of every call (see package stats).
// Several stack, called in the order given.
//
// A handler runs on the goroutine of the call (the caller's, or a hedged
// attempt's), never in the channel's or a connection's loop: a slow one
// slows its own call. One that panics ends its call with Internal.
func WithStatsHandler(h stats.Handler) DialOption {
	return func(o *dialOptions) {
		if h != nil {
			o.stats = append(o.stats, h)
		}
	}
}

// statsHandlers is the handlers of a client or a server, in the order
// given; empty, it tells nothing and costs a length check.
type statsHandlers []stats.Handler

// tagRPC runs every handler's TagRPC, each on the context the one before
// returned.
func (hs statsHandlers) tagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	for _, h := range hs {
		ctx = h.TagRPC(ctx, info)
	}
	return ctx
}

func (hs statsHandlers) handleRPC(ctx context.Context, ev stats.RPCStats) {
	for _, h := range hs {
		h.HandleRPC(ctx, ev)
	}
}

// guardedTagRPC is tagRPC with a handler's panic as Internal (ok false).
func (hs statsHandlers) guardedTagRPC(ctx context.Context, info *stats.RPCTagInfo, log *slog.Logger) (_ context.Context, err error) {
	defer statsRecover(log, info.FullMethodName, &err)
	return hs.tagRPC(ctx, info), nil
}

// guardedHandleRPC is handleRPC with a handler's panic as Internal.
func (hs statsHandlers) guardedHandleRPC(ctx context.Context, ev stats.RPCStats, log *slog.Logger, method string) (err error) {
	defer statsRecover(log, method, &err)
	hs.handleRPC(ctx, ev)
	return nil
}

// statsRecover turns a stats handler's panic into the call's Internal
// status, and logs it.
func statsRecover(log *slog.Logger, method string, err *error) {
	if v := recover(); v != nil {
		log.Error("rpc: a stats handler panicked; its call ends with Internal", "method", method, "panic", fmt.Sprint(v))
		*err = status.Errorf(codes.Internal, "grpc: a stats handler panicked: %v", v)
	}
}

// connValues is a call's context on a server, which takes its values
// also from the connection's context as TagConn returned it (grpc-go's
// calls are children of it), and its deadline and cancellation from the
// call alone.
type connValues struct {
	context.Context
	conn context.Context
}

func (c connValues) Value(key any) any {
	if v := c.Context.Value(key); v != nil {
		return v
	}
	return c.conn.Value(key)
}
