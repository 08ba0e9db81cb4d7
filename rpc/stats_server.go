package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/actorpc/actorpc/rpc/peer"
	"github.com/actorpc/actorpc/rpc/stats"
	"github.com/actorpc/actorpc/streamactor"
)

// serverStats tells a server's stats handlers of one call. It lives in the
// call's serverStream, on the handler actor's goroutine, which is the only
// one that calls it; a server without handlers has none (nil), and every
// method then returns at once. A handler's panic unwinds to the handler
// actor's recover, which ends the call with Internal (handler_panic.go).
type serverStats struct {
	hs    statsHandlers
	ctx   context.Context // as TagRPC returned it: the call's context
	begin time.Time
	ended bool
}

// beginCall tags the call's context, and tells of its headers and its
// beginning. ctx becomes the call's context.
func (s *serverStats) beginCall(ctx context.Context, ss *streamactor.ServerStream, p *peer.Peer, connCtx context.Context) context.Context {
	if connCtx != nil {
		ctx = connValues{ctx, connCtx}
	}
	method := ss.Req.Method
	s.ctx = s.hs.tagRPC(ctx, &stats.RPCTagInfo{FullMethodName: method})
	s.hs.handleRPC(s.ctx, &stats.InHeader{FullMethod: method, RemoteAddr: p.Addr, LocalAddr: p.LocalAddr,
		Compression: ss.Req.Encoding, Header: ss.Req.Metadata})
	s.begin = time.Now()
	return s.ctx
}

// began tells of the call's beginning, once the method (and so its kind)
// is known.
func (s *serverStats) began(clientStream, serverStream bool) {
	if s == nil {
		return
	}
	s.hs.handleRPC(s.ctx, &stats.Begin{BeginTime: s.begin, IsClientStream: clientStream, IsServerStream: serverStream})
}

// inPayload tells of a request message m: compressed is its size as it
// came, length decoded.
func (s *serverStats) inPayload(m any, length, compressed int) {
	if s == nil {
		return
	}
	s.hs.handleRPC(s.ctx, &stats.InPayload{Payload: m, Length: length, CompressedLength: compressed,
		WireLength: compressed + streamactor.PrefixLen, RecvTime: time.Now()})
}

// outHeader tells of the response headers, md, as they go.
func (s *serverStats) outHeader(ss *streamactor.ServerStream) {
	if s == nil {
		return
	}
	s.hs.handleRPC(s.ctx, &stats.OutHeader{Compression: ss.SendEncoding, Header: ss.Header()})
}

// outPayload tells of a response message m, length bytes before
// compression and framedLen framed.
func (s *serverStats) outPayload(m any, length, framedLen int) {
	if s == nil {
		return
	}
	n := framedLen - streamactor.PrefixLen
	s.hs.handleRPC(s.ctx, &stats.OutPayload{Payload: m, Length: length, CompressedLength: n,
		WireLength: framedLen, SentTime: time.Now()})
}

// end tells of the trailers sent and the call's End with err (nil for
// OK), once.
func (s *serverStats) end(ss *streamactor.ServerStream, err error) {
	if s == nil || s.ended {
		return
	}
	s.ended = true
	trailer := ss.Trailer()
	s.hs.handleRPC(s.ctx, &stats.OutTrailer{Trailer: trailer})
	s.hs.handleRPC(s.ctx, &stats.End{BeginTime: s.begin, EndTime: time.Now(), Trailer: trailer, Error: err})
}

// endAfterPanic is end for a call whose handler (or stats handler)
// panicked: a stats handler that panics again is logged, not raised.
func (s *serverStats) endAfterPanic(ss *streamactor.ServerStream, err error, log *slog.Logger) {
	if s == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			log.Error("rpc: a stats handler panicked at a call's end", "method", ss.Req.Method, "panic", fmt.Sprint(v))
		}
	}()
	s.end(ss, err)
}
