package streamactor

import (
	"context"
	"errors"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// UnaryResult is the outcome of a unary call.
type UnaryResult struct {
	Response []byte // the response message payload, when Status is OK
	// Compressed: Response is compressed with Encoding, the response's
	// grpc-encoding ("" when none was named).
	Compressed bool
	Encoding   string
	Header     metadata.MD
	Trailer    metadata.MD
	Status     *status.Status
	// HeaderReceived: response headers arrived before the status (it was
	// not a trailers-only response), so the server processed the call and
	// a retry policy must not repeat it.
	HeaderReceived bool
	// Unprocessed: the server never saw the call (the stream could not be
	// opened, or GOAWAY or REFUSED_STREAM said so), so it is safe to retry.
	Unprocessed bool
	// RequestDone: the writer was already finished with the request when
	// the call ended (it was sent, or dropped), so its buffer may be
	// reused. Only told of requests in a bufpool size (bufpool.Pooled):
	// for a smaller one it is always false.
	RequestDone bool

	msg Message // what Response lies in
}

// Release gives the response's buffer back for reuse once Response is
// decoded (see Message.Release); Response must not be read afterwards.
func (r *UnaryResult) Release() {
	r.msg.Release()
	r.Response = nil
}

// Unary makes a unary call on conn. The calling goroutine is the stream's
// actor for the length of the call: no goroutine is spawned, and the
// request (headers, message, END_STREAM) leaves in a single Open.
//
// request is the framed request message (see Frame and SetPrefix).
func Unary(ctx context.Context, conn *connactor.Conn, head RequestHead, request []byte, maxRecv int) UnaryResult {
	fields, err := head.Fields()
	if err != nil {
		return UnaryResult{Status: status.New(codes.Internal, err.Error())}
	}
	var sent chan error
	if bufpool.Pooled(request) {
		sent = make(chan error, 1)
	}
	link, err := conn.Open(ctx, connactor.OpenRequest{
		Header:    fields,
		Data:      request,
		EndStream: true,
		Done:      sent,
	})
	if err != nil {
		return UnaryResult{Status: openStatus(ctx, err), Unprocessed: ctx.Err() == nil}
	}
	defer link.Release()
	r := newClientReceiver(ctx, link, maxRecv)
	r.asm.pool = true // the caller releases the response
	for r.final == nil {
		if !r.wait(ctx.Done()) {
			r.fail(status.FromContextError(ctx.Err()), true)
		}
	}
	res := UnaryResult{Header: r.header, Trailer: r.trailer, Status: r.final, Unprocessed: r.unprocessed,
		Encoding: r.encoding, HeaderReceived: r.sawHeaders, RequestDone: fired(sent)}
	if r.final.Code() != codes.OK {
		return res
	}
	switch len(r.msgs) {
	case 1:
		res.msg = r.msgs[0]
		res.Response = r.msgs[0].Payload
		res.Compressed = r.msgs[0].Compressed
	case 0:
		res.Status = status.New(codes.Internal, "cardinality violation: received no response message from a unary call")
	default:
		res.Status = status.New(codes.Internal, "cardinality violation: received more than one response message from a unary call")
	}
	return res
}

// fired reports whether done (nil: never) has received its outcome.
func fired(done chan error) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// openStatus is the status of a call whose stream could not be opened.
func openStatus(ctx context.Context, err error) *status.Status {
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err())
	}
	if errors.Is(err, connactor.ErrGoingAway) {
		return status.Newf(codes.Unavailable, "connection is going away: %v", err)
	}
	return status.Newf(codes.Unavailable, "connection unavailable: %v", err)
}
