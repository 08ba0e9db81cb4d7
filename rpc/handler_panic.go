package rpc

import (
	"fmt"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// CrashOnHandlerPanic makes a panic in a handler, an interceptor or the
// codec on a server call crash the process, with the panic's own stack,
// after the call has ended with Internal. Without it the panic ends only
// that call: the client gets Internal, the panic is logged and is the
// handler actor's exit reason.
//
// grpc-go has no such option because it never recovers: a handler's panic
// always takes its server down. Recovering is our default since a server
// of actors can contain the damage to one call; this option is for those
// who would rather crash (a supervisor restarts the process, a core dump
// is wanted) than keep serving after state a panic may have broken.
func CrashOnHandlerPanic() ServerOption {
	return func(o *serverOptions) { o.crashOnHandlerPanic = true }
}

// handlerPanicked ends the call whose handler panicked with v: Internal
// for the client (no stack: it is the server's business), a log line for
// the server, and the handler actor's exit reason. With
// CrashOnHandlerPanic it panics again, from the deferred call that
// recovered, so the crash still shows where the panic was raised.
func (s *Server) handlerPanicked(ss *streamactor.ServerStream, stats *serverStats, v any) error {
	method := ss.Req.Method
	s.opts.logger.Error("rpc: a handler panicked; its call ends with Internal", "method", method, "panic", fmt.Sprint(v))
	err := fmt.Errorf("handler of %s: %w", method, &actors.PanicError{Value: v})
	crash := s.opts.crashOnHandlerPanic
	if !crash {
		// Told before the client hears, so that an Inspect after the
		// call's end shows it.
		s.tell(handlerPanickedMsg{err: err})
	}
	st := status.Newf(codes.Internal, "grpc: the handler of %s panicked", method)
	ss.Finish(st, nil)
	stats.endAfterPanic(ss, st.Err(), s.opts.logger)
	if crash {
		panic(v)
	}
	return err
}
