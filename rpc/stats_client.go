package rpc

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/stats"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// attemptStats tells the client's stats handlers of one attempt of a call
// (grpc-go's events are per attempt): the context TagRPC returned and when
// the attempt began. A client without handlers has none (nil), and every
// method of a nil one returns at once: no allocation, no work.
//
// Its fields are written once, before the attempt is shared; a streaming
// call's sending and receiving goroutines then both read it, and the
// handlers are called from both (grpc-go's contract: a handler is safe for
// concurrent use).
type attemptStats struct {
	hs     statsHandlers
	ctx    context.Context
	method string
	begin  time.Time
	cc     *ClientConn
	// abort cancels a streaming attempt's own context: it ends the stream
	// when a handler panicked, and releases the context at the End.
	abort context.CancelFunc
	ended bool // End was told (owned by whoever holds the attempt's end)
}

// beginAttempt starts an attempt's stats: TagRPC, then Begin. The error is
// Internal when a handler panicked; the attempt must not go on.
func (cc *ClientConn) beginAttempt(ctx context.Context, method string, ci *callInfo, desc *StreamDesc, transparent bool) (*attemptStats, error) {
	hs := cc.opts.stats
	if len(hs) == 0 {
		return nil, nil
	}
	failFast := ci.waitForReady == nil || !*ci.waitForReady
	ctx, err := hs.guardedTagRPC(ctx, &stats.RPCTagInfo{FullMethodName: method, FailFast: failFast}, cc.opts.logger)
	a := &attemptStats{hs: hs, ctx: ctx, method: method, begin: time.Now(), cc: cc}
	if err != nil {
		a.ended = true
		return a, err
	}
	b := &stats.Begin{Client: true, BeginTime: a.begin, FailFast: failFast, IsTransparentRetryAttempt: transparent}
	if desc != nil {
		b.IsClientStream, b.IsServerStream = desc.ClientStreams, desc.ServerStreams
	}
	return a, a.handle(b)
}

// pickFailed tells the handlers of an attempt that got no connection (its
// pick failed with err), as grpc-go does, which begins an attempt before
// its pick: such a call still has its Begin and End. It returns the error
// the call ends with: err, or Internal when a handler panicked.
func (cc *ClientConn) pickFailed(ctx context.Context, method string, ci *callInfo, desc *StreamDesc, transparent bool, err error) error {
	if len(cc.opts.stats) == 0 {
		return err
	}
	as, panicked := cc.beginAttempt(ctx, method, ci, desc, transparent)
	as.end(nil, err)
	if panicked != nil {
		return panicked
	}
	return err
}

// handle tells the handlers ev; Internal when one panicked (the attempt
// then tells them nothing more but its End).
func (a *attemptStats) handle(ev stats.RPCStats) error {
	return a.hs.guardedHandleRPC(a.ctx, ev, a.cc.opts.logger, a.method)
}

// outHeader tells of the request headers, sent on conn.
func (a *attemptStats) outHeader(head *streamactor.RequestHead, conn *connactor.Conn) error {
	if a == nil {
		return nil
	}
	addTaggedMetadata(head, a.ctx)
	return a.handle(&stats.OutHeader{Client: true, Compression: head.Encoding, Header: head.Metadata,
		FullMethod: a.method, RemoteAddr: conn.RemoteAddr(), LocalAddr: conn.LocalAddr()})
}

// outPayload tells of a request message m, framed as framed (its prefix
// included); length is its size before compression.
func (a *attemptStats) outPayload(m any, length, framedLen int) error {
	if a == nil {
		return nil
	}
	n := framedLen - streamactor.PrefixLen
	return a.handle(&stats.OutPayload{Client: true, Payload: m, Length: length, CompressedLength: n,
		WireLength: n + streamactor.PrefixLen, SentTime: time.Now()})
}

// inHeader tells of the response headers.
func (a *attemptStats) inHeader(md metadata.MD, encoding string) error {
	if a == nil {
		return nil
	}
	return a.handle(&stats.InHeader{Client: true, Header: md, Compression: encoding})
}

// inPayload tells of a response message m: compressed is its size as it
// came, length decoded.
func (a *attemptStats) inPayload(m any, length, compressed int) error {
	if a == nil {
		return nil
	}
	return a.handle(&stats.InPayload{Client: true, Payload: m, Length: length, CompressedLength: compressed,
		WireLength: compressed + streamactor.PrefixLen, RecvTime: time.Now()})
}

// end tells of the trailers, when any came, and the attempt's End with
// err (nil for OK). It tells once; a later call does nothing.
func (a *attemptStats) end(trailer metadata.MD, err error) {
	if a == nil {
		return
	}
	if a.abort != nil {
		defer a.abort()
	}
	if a.ended {
		return
	}
	a.ended = true
	if trailer != nil {
		a.handle(&stats.InTrailer{Client: true, Trailer: trailer})
	}
	a.handle(&stats.End{Client: true, BeginTime: a.begin, EndTime: time.Now(), Trailer: trailer, Error: err})
}

// endStatus is end with the status st (nil or OK: no error); it makes the
// error only when there is a handler to tell.
func (a *attemptStats) endStatus(trailer metadata.MD, st *status.Status) {
	if a == nil {
		return
	}
	a.end(trailer, statusErr(st))
}

// statusErr is st as an error, nil for OK (End's Error).
func statusErr(st *status.Status) error {
	if st == nil {
		return nil
	}
	return st.Err()
}
