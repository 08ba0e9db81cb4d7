package streamactor

import (
	"context"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// ClientStream is a streaming call on the client. Its receiving side is a
// stream actor (a goroutine spawned for the call) that owns the receiver
// and watches the call's context; the application's goroutines talk to it
// through channels. Sending goes from the application straight to the
// connection's writer.
type ClientStream struct {
	ctx  context.Context
	link *connactor.Stream
	ref  *actors.Ref

	msgs        chan []Message // from: stream actor to caller; never (offered in the actor's select): every message that has arrived, at once
	headerReady chan struct{}  // from: stream actor to caller; never (closed when response headers arrived or the call ended)

	// Written by the actor before it closes headerReady (header) or ends
	// (the rest: ref.Done closes); read by the application only after.
	header   metadata.MD
	encoding string // the response's grpc-encoding
	// headerEarly: headerReady closed because response headers came
	// while the call ran (not because it ended); set before the close.
	headerEarly bool
	trailer     metadata.MD
	final       *status.Status
	rest        []Message
	// headerReceived: response headers came before the status (not a
	// trailers-only response). unprocessed: the peer said it never
	// processed the call (GOAWAY, REFUSED_STREAM).
	headerReceived bool
	unprocessed    bool

	// Owned by the application's sending goroutine (one at a time, as in
	// grpc-go).
	pipe       sendPipe
	sendClosed bool
	// Owned by the application's receiving goroutine: messages handed over
	// and not yet returned by Recv, and (once done is closed) how many of
	// rest were.
	pending   []Message
	restTaken int
}

// NewClientStream opens a streaming call on conn.
func NewClientStream(ctx context.Context, conn *connactor.Conn, head RequestHead, maxRecv int) (*ClientStream, *status.Status) {
	fields, err := head.Fields()
	if err != nil {
		return nil, status.New(codes.Internal, err.Error())
	}
	cs := &ClientStream{
		ctx:         ctx,
		msgs:        make(chan []Message),
		headerReady: make(chan struct{}),
		pipe:        newSendPipe(),
	}
	// The stream actor is spawned by the connection as it opens the
	// stream, so that the connection lists it as its child in Inspect.
	// What start writes reaches this goroutine with Open's reply.
	start := func(link *connactor.Stream) *actors.Ref {
		r := newClientReceiver(ctx, link, maxRecv)
		r.asm.pool = true // RecvMsg releases each message it decodes
		cs.link = link
		cs.ref = actors.Spawn(context.Background(), "stream/client", func(context.Context) error {
			cs.serve(r)
			return nil
		})
		return cs.ref
	}
	if _, err := conn.Open(ctx, connactor.OpenRequest{Header: fields, Start: start}); err != nil {
		return nil, openStatus(ctx, err)
	}
	return cs, nil
}

// serve is the stream actor's loop.
func (cs *ClientStream) serve(r *receiver) {
	headerSignalled := false
	for r.final == nil {
		// Messages go over together: when the application reads slower
		// than they arrive, it takes them by the batch, not by a hand-off
		// each. What it holds is bounded by the stream window, as it was
		// all in r.msgs, unacknowledged, when it went over.
		var out chan []Message
		if len(r.msgs) > 0 {
			out = cs.msgs
		}
		select {
		case out <- r.msgs:
			r.handedOver()
		case ev := <-r.link.Events():
			r.handle(ev)
		case <-r.connDone():
			r.connEnded()
		case <-cs.ctx.Done():
			r.fail(status.FromContextError(cs.ctx.Err()), true)
		}
		if r.gotHeader && !headerSignalled && r.final == nil {
			cs.header = r.header
			cs.encoding = r.encoding
			cs.headerEarly = true
			close(cs.headerReady)
			headerSignalled = true
		}
	}
	// Messages that arrived before the status are still the application's.
	cs.rest = r.msgs
	if !headerSignalled {
		cs.header = r.header
		cs.encoding = r.encoding
		close(cs.headerReady)
	}
	cs.trailer = r.trailer
	cs.final = r.final
	cs.headerReceived = r.sawHeaders
	cs.unprocessed = r.unprocessed
	if r.final.Code() == codes.OK || r.peerEnded {
		// The server is done; if we are still sending, stop the stream.
		r.link.Write(connactor.Write{Reset: true, ResetCode: http2.ErrCodeCancel, IfSending: true})
	}
	r.link.Release()
	// Done (the actor's own) closes as serve returns: the call has ended.
}

// Send hands one message to the writer. It waits only while the stream
// has a full pipe of writes in flight (see sendPipe), so a peer that stops
// reading stops the sender. After the call ended, or once an earlier write
// failed, it returns the final status.
//
// data is the framed message (see Frame and SetPrefix); the writer owns it
// from now on. Unless keep is set (the caller will send it again, on a
// retry), the writer puts it back in bufpool once it is sent.
func (cs *ClientStream) Send(data []byte, keep bool) *status.Status {
	if cs.sendClosed {
		return status.New(codes.Internal, "SendMsg called after CloseSend")
	}
	if failed, aborted := cs.pipe.reserve(len(data), cs.ref.Done()); failed != nil || aborted {
		return cs.wait()
	}
	done := cs.pipe.done(len(data))
	w := connactor.Write{Data: data, Done: done}
	if !keep {
		w.Pooled = true
	}
	if err := cs.link.Write(w); err != nil {
		return cs.wait()
	}
	cs.pipe.sent(len(data), done)
	return nil
}

// CloseSend half-closes the stream.
func (cs *ClientStream) CloseSend() {
	if cs.sendClosed {
		return
	}
	cs.sendClosed = true
	cs.link.Write(connactor.Write{EndStream: true})
}

// Recv returns the next message, or the final status when there is none
// (OK means the server ended the stream normally).
func (cs *ClientStream) Recv() (Message, *status.Status) {
	if len(cs.pending) == 0 {
		select {
		case cs.pending = <-cs.msgs:
		case <-cs.ref.Done():
			if cs.restTaken < len(cs.rest) {
				m := cs.rest[cs.restTaken]
				cs.restTaken++
				return m, nil
			}
			return Message{}, cs.final
		}
	}
	m := cs.pending[0]
	cs.pending[0] = Message{}
	cs.pending = cs.pending[1:]
	if len(cs.pending) == 0 {
		cs.pending = nil // let the batch's array go while the stream idles
	}
	return m, nil
}

// Header waits for the response headers; with no headers, the call's
// status when it failed.
func (cs *ClientStream) Header() (metadata.MD, *status.Status) {
	<-cs.headerReady
	select {
	case <-cs.ref.Done():
		if cs.header == nil && cs.final.Code() != codes.OK {
			return nil, cs.final
		}
	default:
	}
	return cs.header, nil
}

// Encoding is the response's grpc-encoding ("" for none). Messages arrive
// only after the headers, so it is known by the time Recv returns one.
func (cs *ClientStream) Encoding() string {
	<-cs.headerReady
	return cs.encoding
}

// Trailer is the trailer metadata; valid once the call ended.
func (cs *ClientStream) Trailer() metadata.MD {
	select {
	case <-cs.ref.Done():
		return cs.trailer
	default:
		return nil
	}
}

// Outcome says, once the call has ended (Done is closed), whether response
// headers arrived before the status and whether the peer said it never
// processed the call: what a retry policy needs to know.
func (cs *ClientStream) Outcome() (headerReceived, unprocessed bool) {
	<-cs.ref.Done()
	return cs.headerReceived, cs.unprocessed
}

// HeaderReady is closed when response headers arrived or the call ended,
// whichever came first; HeadersArrived then says which.
func (cs *ClientStream) HeaderReady() <-chan struct{} { return cs.headerReady }

// HeadersArrived says, without waiting, whether response headers arrived
// while the call was running (false for a call that ended without them,
// or that has heard nothing yet): a retrying caller learns from it that
// the call committed. (No channel of its own: one less per stream.)
func (cs *ClientStream) HeadersArrived() bool {
	select {
	case <-cs.headerReady:
		return cs.headerEarly
	default:
		return false
	}
}

// Status waits for the call's end and returns its status.
func (cs *ClientStream) Status() *status.Status { return cs.wait() }

// Done is closed when the call has ended: it is the stream actor's Done,
// which saves the stream a channel of its own.
func (cs *ClientStream) Done() <-chan struct{} { return cs.ref.Done() }

// wait blocks until the call ends and returns its status.
func (cs *ClientStream) wait() *status.Status {
	<-cs.ref.Done()
	return cs.final
}
