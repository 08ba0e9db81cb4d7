package streamactor

import (
	"context"
	"io"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// ServerStream is one call on the server. It is served by the stream's own
// goroutine, the one that runs the handler: that goroutine owns the
// receiving side (RecvMsg) and the sending side (SendMsg, headers,
// trailers, the status), as grpc-go's contract for a stream already asks.
// The connection cancels ctx when the client resets the stream or the
// connection ends, which is how a handler busy in user code learns of it.
type ServerStream struct {
	link *connactor.Stream
	ctx  context.Context
	Req  Request // its ContentType is the response's too
	r    *receiver

	// SendEncoding is the grpc-encoding of the response messages and
	// AcceptEncoding the grpc-accept-encoding list; set before the headers
	// go out.
	SendEncoding   string
	AcceptEncoding string
	header         metadata.MD
	trailer        metadata.MD
	pipe           sendPipe
	headerSent     bool
	finished       bool
}

// AcceptServerStream reads the request headers, the stream's first event.
// A request that is not acceptable gets its answer here and a nil stream.
func AcceptServerStream(ctx context.Context, link *connactor.Stream, maxRecv int) (*ServerStream, *status.Status) {
	ss := &ServerStream{link: link, ctx: ctx, r: newReceiver(link, false, maxRecv), pipe: newSendPipe()}
	ss.r.asm.pool = true // the server releases each request it decodes
	var first connactor.Event
	select {
	case first = <-link.Events():
	case <-link.ConnDone():
		link.Release()
		return nil, status.New(codes.Unavailable, "connection closed")
	}
	if first.Flush {
		link.Flush() // only with a one-slot channel; as handle would
	}
	if first.EndStream {
		ss.r.peerEnded = true
		ss.r.recvDone = true
	}
	req, rej := ParseRequest(first.Fields, first.Truncated)
	if rej != nil && rej.HTTPStatus == 415 {
		answerNotGRPC(ctx, link, rej, !ss.r.peerEnded)
		return nil, rej.Status
	}
	if rej != nil {
		link.Write(connactor.Write{
			Trailer:   RejectionFields(rej),
			Reset:     !ss.r.peerEnded,
			ResetCode: http2.ErrCodeNo,
		})
		link.Release()
		return nil, rej.Status
	}
	ss.Req = req
	ss.SendEncoding = req.Encoding
	return ss, nil
}

// Context is the call's context: its deadline, the request metadata is
// added by the caller of AcceptServerStream.
func (ss *ServerStream) Context() context.Context { return ss.ctx }

// SetContext replaces the call's context (the server adds the deadline and
// the incoming metadata before the handler runs).
func (ss *ServerStream) SetContext(ctx context.Context) { ss.ctx = ctx }

// RecvMsg returns the next request message, io.EOF once the client
// half-closed, or the call's failure as a status error.
func (ss *ServerStream) RecvMsg() (Message, error) {
	for {
		if m, ok := ss.r.take(); ok {
			return m, nil
		}
		if ss.r.final != nil {
			return Message{}, ss.r.final.Err()
		}
		if ss.r.recvDone {
			return Message{}, io.EOF
		}
		if !ss.r.wait(ss.ctx.Done()) {
			return Message{}, status.FromContextError(ss.ctx.Err()).Err()
		}
	}
}

// ReleaseRequestsOnTake says the call takes a stream of requests (client
// or bidirectional streaming): each request stops counting against the
// connection's memory budget once the application has taken it. Without
// it, a call's requests count until the call ends, as the handler of a
// single request holds it that long.
func (ss *ServerStream) ReleaseRequestsOnTake() { ss.r.unholdOnTake = true }

// DrainArrived handles events that have already arrived, so that a unary
// handler sees the client's END_STREAM that came with its message.
func (ss *ServerStream) DrainArrived() { ss.r.drain() }

// SetHeader merges md into the response headers.
func (ss *ServerStream) SetHeader(md metadata.MD) error {
	if ss.headerSent {
		return status.New(codes.Internal, "SetHeader called after the headers were sent").Err()
	}
	if err := CheckReserved(md); err != nil {
		return status.New(codes.Internal, err.Error()).Err()
	}
	if len(md) > 0 { // an empty md makes no map: most handlers set none
		ss.header = metadata.Join(ss.header, md)
	}
	return nil
}

// SendHeader sends the response headers now, merged with md.
func (ss *ServerStream) SendHeader(md metadata.MD) error {
	if err := ss.SetHeader(md); err != nil {
		return err
	}
	fields, err := ss.headerFields(ss.header)
	if err != nil {
		return status.New(codes.Internal, err.Error()).Err()
	}
	ss.headerSent = true
	return ss.send(connactor.Write{Header: fields})
}

// headerFields renders the response headers with md.
func (ss *ServerStream) headerFields(md metadata.MD) ([]hpack.HeaderField, error) {
	fields, err := ResponseHeaderFields(ss.Req.ContentType, md)
	if err != nil {
		return nil, err
	}
	return appendEncodings(fields, ss.SendEncoding, ss.AcceptEncoding), nil
}

// SetTrailer merges md into the trailers.
func (ss *ServerStream) SetTrailer(md metadata.MD) {
	if len(md) > 0 {
		ss.trailer = metadata.Join(ss.trailer, md)
	}
}

// SendMsg sends one response message and returns once it is on its way to
// the socket; a client that stops reading stops the handler here.
// framed is the message with its prefix (see Frame and SetPrefix); it
// becomes the writer's, which puts it back in bufpool once sent.
func (ss *ServerStream) SendMsg(framed []byte) error {
	if ss.finished {
		return status.New(codes.Internal, "SendMsg called after the call ended").Err()
	}
	w := connactor.Write{Data: framed, Pooled: true}
	if !ss.headerSent {
		fields, err := ss.headerFields(ss.header)
		if err != nil {
			return status.New(codes.Internal, err.Error()).Err()
		}
		w.Header = fields
		ss.headerSent = true
	}
	return ss.send(w)
}

// send hands w to the writer through the stream's pipe (see sendPipe).
func (ss *ServerStream) send(w connactor.Write) error {
	failed, aborted := ss.pipe.reserve(len(w.Data), ss.ctx.Done())
	if aborted {
		return status.FromContextError(ss.ctx.Err()).Err()
	}
	if failed != nil {
		return ss.sendFailed()
	}
	w.Done = ss.pipe.done(len(w.Data))
	if err := ss.link.Write(w); err != nil {
		return ss.sendFailed()
	}
	ss.pipe.sent(len(w.Data), w.Done)
	return nil
}

func (ss *ServerStream) sendFailed() error {
	if ss.ctx.Err() != nil {
		return status.FromContextError(ss.ctx.Err()).Err()
	}
	return status.New(codes.Unavailable, "the stream was closed").Err()
}

// Finish ends the call with st and the trailers; response, when not nil,
// is sent first, in the same hop (a unary response is one Write).
// response, when not nil, is framed (see Frame and SetPrefix); like
// SendMsg's, it becomes the writer's.
func (ss *ServerStream) Finish(st *status.Status, response []byte) {
	if ss.finished {
		return
	}
	ss.finished = true
	w := connactor.Write{Trailer: TrailerFields(st, ss.trailer)}
	if response != nil {
		w.Data, w.Pooled = response, true
	}
	if !ss.headerSent {
		fields, err := ss.headerFields(ss.header)
		if err != nil {
			st = status.New(codes.Internal, err.Error())
			fields, _ = ss.headerFields(nil)
			bufpool.Put(response) // not sent: ours to give back
			w.Data, w.Pooled = nil, false
			w.Trailer = TrailerFields(st, nil)
		}
		w.Header = fields
		w.SeparateHeader = len(ss.header) > 0
		ss.headerSent = true
	}
	if !ss.r.peerEnded {
		// The client may still be sending; RFC 9113 8.1 lets the server
		// stop it with NO_ERROR once the response is complete.
		w.Reset, w.ResetCode = true, http2.ErrCodeNo
	}
	ss.link.Finish(w)
}

// Header is the response headers set so far (sent once HeaderSent).
func (ss *ServerStream) Header() metadata.MD { return ss.header }

// Trailer is the trailers set so far (sent with the status).
func (ss *ServerStream) Trailer() metadata.MD { return ss.trailer }

// HeaderSent reports whether the response headers went out.
func (ss *ServerStream) HeaderSent() bool { return ss.headerSent }

// answerNotGRPC answers a request that is not gRPC (its content-type says
// so) as HTTP: 415 with a body a person reads in curl or a browser, then
// the status as trailers for a gRPC client that got its content-type
// wrong. Like an HTTP server, it reads (and drops) the request to its end
// before answering: the peer's frames on the stream are then judged in the
// order they were sent (a flow-control error it commits while sending is
// answered as such, not hidden behind our answer), and the stream counts
// against the connection's stream limit until it is over, as any other
// (RFC 9113 5.1.2).
func answerNotGRPC(ctx context.Context, link *connactor.Stream, rej *Rejection, peerSending bool) {
	defer link.Release()
	for peerSending {
		var ev connactor.Event
		select {
		case ev = <-link.Events():
			if ev.Flush {
				link.Flush()
			}
		case <-ctx.Done():
			return
		case <-link.ConnDone():
			return
		}
		switch ev.Kind {
		case connactor.EventData:
			link.Consumed(len(ev.Data))
			connactor.RecycleData(ev.Data)
			peerSending = !ev.EndStream
		case connactor.EventHeaders:
			peerSending = !ev.EndStream
		default: // reset, or the connection ended
			return
		}
	}
	done := make(chan error, 1)
	link.Write(connactor.Write{
		Header:  []hpack.HeaderField{{Name: ":status", Value: "415"}, {Name: "content-type", Value: "text/plain; charset=utf-8"}},
		Data:    []byte("gRPC server: " + rej.Status.Message() + "\n"),
		Trailer: TrailerFields(rej.Status, nil),
		Done:    done,
	})
	select {
	case <-done:
	case <-ctx.Done():
	case <-link.ConnDone():
	}
}
