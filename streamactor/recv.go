package streamactor

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// creditBatch is how many consumed bytes a stream gathers before it tells
// the connection, so that small messages do not cost a message each.
const creditBatch = 16 << 10

// receiver is the receiving half of a stream: it turns the connection's
// events into messages, headers, trailers and a final status. It belongs to
// whichever goroutine serves the stream (see the package doc). (Its flags
// are together, so that they share a word: every stream holds one.)
type receiver struct {
	link *connactor.Stream
	asm  reassembler

	msgs   []Message // complete messages the application has not taken
	credit int       // bytes consumed and not yet reported to the connection
	// unheld is what the application took and was not yet reported
	// (see unholdOnTake).
	unheld int

	header   metadata.MD // client: response header metadata
	encoding string      // client: grpc-encoding of the response
	trailer  metadata.MD // client: trailer metadata

	final    *status.Status // set once the stream's outcome is known
	deadline time.Time      // client: the call's deadline, zero when none

	client bool
	// unholdOnTake: the application takes a stream of messages, so each
	// leaves the connection's memory budget as it is taken (connactor's
	// budget.go).
	unholdOnTake bool
	gotHeader    bool // client: response headers arrived
	sawHeaders   bool // client: headers that were not trailers-only
	unprocessed  bool // the peer said it never processed the stream (GOAWAY, REFUSED_STREAM)
	recvDone     bool // the peer half-closed (server: EOF; client: trailers)
	peerEnded    bool // the peer can send nothing more: END_STREAM, reset, or the connection ended
	// flushAsked: the last event taken was flagged (connactor.Event.Flush),
	// so the connection may hold events for us that only a Flush it has
	// not served yet would bring; see connDone.
	flushAsked bool
}

// connDone is the connection's Done while the stream needs it, nil (a
// case that never fires) otherwise. The connection, as it ends, tells
// every stream so with an event (EventClosed); that event can only miss
// the channel while the connection holds a spill for the stream, and then
// the stream has taken a flagged event and heard nothing since
// (flushAsked): only then must it watch the connection's end, to take
// over what it held. An idle stream so parks on one channel fewer, and
// holds one wait record fewer.
func (r *receiver) connDone() <-chan struct{} {
	if r.flushAsked {
		return r.link.ConnDone()
	}
	return nil
}

func (r *receiver) deadlinePassed() bool {
	return !r.deadline.IsZero() && !time.Now().Before(r.deadline)
}

func newReceiver(link *connactor.Stream, client bool, maxRecv int) *receiver {
	return &receiver{link: link, client: client, asm: reassembler{maxSize: maxRecv, budget: link}}
}

// newClientReceiver is a receiver for a call made under ctx.
func newClientReceiver(ctx context.Context, link *connactor.Stream, maxRecv int) *receiver {
	r := newReceiver(link, true, maxRecv)
	r.deadline, _ = ctx.Deadline()
	return r
}

// wait handles events until one arrives that changes what the caller waits
// for, or abort is closed (then it reports false).
func (r *receiver) wait(abort <-chan struct{}) bool {
	select {
	case ev := <-r.link.Events():
		r.handle(ev)
	case <-r.connDone():
		r.connEnded()
	case <-abort:
		return false
	}
	return true
}

// drain handles every event already waiting, without blocking.
func (r *receiver) drain() {
	for {
		select {
		case ev := <-r.link.Events():
			r.handle(ev)
		default:
			return
		}
	}
}

// connEnded takes over what the ended connection still held for us.
func (r *receiver) connEnded() {
	for _, ev := range r.link.TakeOver() {
		r.handle(ev)
	}
	if r.final == nil && !r.peerEnded {
		r.fail(status.New(codes.Unavailable, "connection closed before the call ended"), false)
	}
	r.peerEnded = true
}

func (r *receiver) handle(ev connactor.Event) {
	r.flushAsked = ev.Flush
	if ev.Flush {
		r.link.Flush() // the connection may hold more for us
	}
	if r.final != nil {
		connactor.RecycleData(ev.Data)
		return
	}
	switch ev.Kind {
	case connactor.EventHeaders:
		if ev.EndStream {
			r.peerEnded = true
		}
		if r.client {
			r.clientHeaders(ev)
		} else if !ev.EndStream {
			// Request trailers must end the stream (RFC 9113 8.1).
			r.fail(status.New(codes.Internal, "client sent a second HEADERS without END_STREAM"), true)
		} else {
			r.endOfRequest()
		}
	case connactor.EventData:
		if ev.EndStream {
			r.peerEnded = true
		}
		r.data(ev)
	case connactor.EventReset:
		r.peerEnded = true
		r.unprocessed = ev.Unprocessed && r.final == nil
		st := resetStatus(ev)
		if r.client && st.Code() == codes.Canceled && r.deadlinePassed() {
			// A server cancels a call whose deadline passed; the cause is
			// the deadline (as grpc-go's client reports it too).
			st = status.New(codes.DeadlineExceeded, "context deadline exceeded: "+st.Message())
		}
		r.fail(st, false)
	case connactor.EventClosed:
		r.peerEnded = true
		r.unprocessed = ev.Unprocessed && r.final == nil
		// The connection's owner may say what its end means for calls
		// (a client channel closing: Canceled); otherwise Unavailable.
		st, ok := status.FromError(ev.Err)
		if !ok || ev.Err == nil {
			st = status.Newf(codes.Unavailable, "connection closed: %v", ev.Err)
		}
		r.fail(st, false)
	}
}

func (r *receiver) data(ev connactor.Event) {
	if r.client && !r.gotHeader {
		r.fail(status.New(codes.Internal, "server sent DATA before response headers"), true)
		return
	}
	r.credit += len(ev.Data)
	msgs, aliased, st := r.asm.feed(ev.Data, r.msgs)
	r.msgs = msgs
	if !aliased {
		connactor.RecycleData(ev.Data)
	}
	if st != nil {
		r.fail(st, true)
		return
	}
	if ev.EndStream {
		if r.client {
			r.fail(status.New(codes.Internal, "server closed the stream without sending trailers"), false)
			return
		}
		r.endOfRequest()
	}
	r.reportCredit(false)
}

func (r *receiver) endOfRequest() {
	r.recvDone = true
	if r.asm.partial() {
		r.fail(status.New(codes.Internal, "client half-closed in the middle of a message"), false)
	}
}

func (r *receiver) clientHeaders(ev connactor.Event) {
	if err := checkResponseBlock(ev.Fields, r.gotHeader); err != nil {
		// PROTOCOL-HTTP2: a response that is not one ends the call Internal.
		r.fail(status.Newf(codes.Internal, "malformed response: %v", err), !ev.EndStream)
		return
	}
	head, err := parseResponse(ev.Fields)
	if err != nil {
		r.fail(status.Newf(codes.Internal, "malformed response headers: %v", err), !ev.EndStream)
		return
	}
	if !r.gotHeader {
		if head.httpStatus != 200 && head.status == nil {
			r.fail(status.Newf(httpStatusCode(head.httpStatus), "unexpected HTTP status code received from server: %d", head.httpStatus), !ev.EndStream)
			return
		}
		if !ev.EndStream && !validContentType(head.contentType) {
			r.fail(status.Newf(codes.Unknown, "unexpected content-type %q in the response", head.contentType), true)
			return
		}
		r.gotHeader = true
		r.encoding = head.encoding
		if !ev.EndStream {
			r.header = head.md
			r.sawHeaders = true
			return
		}
		// Trailers-only: the headers are the trailers.
	} else if !ev.EndStream {
		r.fail(status.New(codes.Internal, "server sent a second HEADERS without END_STREAM"), true)
		return
	}
	r.recvDone = true
	r.trailer = head.md
	if head.status == nil {
		// The HTTP status was 200, and PROTOCOL-HTTP2's mapping of a 200
		// without grpc-status is UNKNOWN (http-grpc-status-mapping).
		r.fail(status.New(codes.Unknown, "server ended the stream without grpc-status"), false)
		return
	}
	r.final = head.status
}

// fail settles the stream's outcome. On the client, reset says the server
// must be told (RST_STREAM CANCEL). On the server the status itself tells
// the client: the call ends with trailers carrying st, then RST_STREAM
// NO_ERROR if the client is still sending (ServerStream.Finish).
func (r *receiver) fail(st *status.Status, reset bool) {
	if r.final != nil {
		return
	}
	r.final = st
	if reset && r.client && !r.peerEnded {
		r.link.Reset(uint32(http2.ErrCodeCancel))
		r.peerEnded = true
	}
}

// take hands the oldest complete message to the application.
func (r *receiver) take() (Message, bool) {
	if len(r.msgs) == 0 {
		return Message{}, false
	}
	m := r.msgs[0]
	r.msgs[0] = Message{}
	r.msgs = r.msgs[1:]
	if len(r.msgs) == 0 {
		// An emptied slice still points at its array, which an idle
		// stream would keep; the next message allocates anyway.
		r.msgs = nil
	}
	r.reportCredit(false)
	if r.unholdOnTake {
		r.unheld += len(m.Payload) + prefixLen
		if r.unheld >= creditBatch {
			r.link.Unhold(r.unheld)
			r.unheld = 0
		}
	}
	return m, true
}

// handedOver records that every complete message went to the
// application at once (the slice is the application's now).
func (r *receiver) handedOver() {
	r.msgs = nil
	r.reportCredit(false)
}

// reportCredit tells the connection what was consumed, once nothing waits
// for the application (so a peer cannot grow the queue of unread
// messages). When the peer has ended, Release gives it all back instead.
func (r *receiver) reportCredit(force bool) {
	if r.peerEnded || len(r.msgs) > 0 || r.credit == 0 {
		return
	}
	if r.credit >= creditBatch || force {
		r.link.Consumed(r.credit)
		r.credit = 0
	}
}

// resetStatus maps RST_STREAM codes to gRPC codes (PROTOCOL-HTTP2, Errors).
func resetStatus(ev connactor.Event) *status.Status {
	code := codes.Internal
	switch ev.Code {
	case http2.ErrCodeRefusedStream:
		code = codes.Unavailable
	case http2.ErrCodeCancel:
		code = codes.Canceled
	case http2.ErrCodeEnhanceYourCalm:
		code = codes.ResourceExhausted
	case http2.ErrCodeInadequateSecurity:
		code = codes.PermissionDenied
	}
	msg := fmt.Sprintf("stream terminated by RST_STREAM with error code: %v", ev.Code)
	if ev.Local && ev.Err != nil {
		msg += " (" + ev.Err.Error() + ")"
	}
	return status.New(code, msg)
}
