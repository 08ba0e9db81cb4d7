package connactor

import (
	"fmt"

	"golang.org/x/net/http2"
)

// The connection actor never waits on the writer. Its ops (SETTINGS and
// PING acks, WINDOW_UPDATE, RST_STREAM, GOAWAY, announces, opens, a
// forwarded last Write) go to the writer's control mailbox, which the
// writer serves before the streams' mailbox. When the control mailbox is
// full (the writer is stuck on a socket the peer does not drain) the op
// waits in the actor's backlog, in order, and the loop hands the backlog
// over as room frees. So a peer that stops reading stalls the writer, not
// the connection actor: it goes on serving its timers, the writer's
// reports and Inspect.
//
// Order across the two mailboxes: a stream can write only after the
// connection told the writer of it (an announce, an open), so the writer
// takes a stream's op only once the control ops sent before it are
// handled (writer.after), and the connection starts a stream, or answers
// its opener, only once that op is out of the backlog (handedOver);
// likewise it tells a stream it was reset only once the RST_STREAM (or
// the forget of the peer's) is, so that the stream's answer cannot reach
// the peer first (writeThenAbort). A
// stream's last Write forwarded by the connection, and the final close,
// go through the streams' mailbox, behind the stream's earlier Writes.
//
// What the backlog holds is the frames we owe the peer, bounded as
// grpc-go bounds them: past readPauseAt waiting ops the actor stops taking
// the peer's frames (the reader waits, and TCP pushes back on the peer)
// and its streams' messages until the backlog drains below it; neither
// can then grow it further than one batch or message does, and the
// writer's timeout ends the connection if the peer never reads. Should
// the backlog pass maxBacklog anyway, the connection ends with
// ENHANCE_YOUR_CALM.

// ctrlMailbox is the capacity of the writer's control mailbox: every
// connection holds one (1 KiB), and the backlog takes a burst.
const ctrlMailbox = 8

// readPauseAt is the backlog at which the actor stops reading (grpc-go's
// maxQueuedTransportResponseFrames is 50). With the control mailbox, 24
// ops wait for a busy writer before the actor pauses, about what the
// single mailbox of old held (32) before the actor waited on it: reading
// on would only grow the backlog. (Kept small, the backlog's array is
// reused and a busy writer costs no allocation.)
const readPauseAt = 16

// maxBacklog ends a connection whose backlog grows past it.
const maxBacklog = 4096

// backlogged is an op waiting for room in the writer's control mailbox,
// and what must wait for it: a stream may write only once the writer
// knows it, so a server stream's Accept, and the reply to a client's
// open, come after the op that announced it.
type backlogged struct {
	op writerOp
	// viaStreams: the op is a stream's last Write (Stream.Finish), which
	// goes through the streams' mailbox behind the stream's earlier ones.
	viaStreams bool
	accept     *streamEntry // call cfg.Accept once the announce is handed over
	opened     *openRequest // reply to the opener once its HEADERS are handed over
	abort      *abortNote   // tell a stream it is over once the op that ended it is handed over
}

// abortNote is a stream to tell it is over (streamEntry.abortOnce).
type abortNote struct {
	e  *streamEntry
	ev Event
}

// writeThenAbort hands op, which ends stream e for the writer (our
// RST_STREAM, or the forget of the peer's), to the writer, and only then
// tells the stream of ev: the stream may answer by writing, and its
// writes must not overtake op (a response to a stream we refused would
// reach the peer before the refusal).
func (a *connActor) writeThenAbort(op writerOp, e *streamEntry, ev Event) {
	if a.backlogLen() == 0 {
		select {
		case a.ctrl <- op:
			e.abortOnce(ev)
			return
		default:
		}
	}
	a.backlogPush(backlogged{op: op, abort: &abortNote{e: e, ev: ev}})
}

// write hands op to the writer without ever waiting.
func (a *connActor) write(op writerOp) { a.writeThen(backlogged{op: op}) }

// writeThen hands b.op to the writer, then does what waited for it: at
// once when the control mailbox has room and nothing is backlogged,
// otherwise when the loop hands it over.
func (a *connActor) writeThen(b backlogged) {
	if a.backlogLen() == 0 {
		select {
		case a.mailboxFor(b) <- b.op:
			a.handedOver(b)
			return
		default:
		}
	}
	a.backlogPush(b)
}

// The backlog is a queue in a slice: backlog[backlogAt:] waits. Its
// array is kept for the next burst while it is small, so that a burst
// costs no allocation once the connection has seen one.
func (a *connActor) backlogLen() int { return len(a.backlog) - a.backlogAt }

func (a *connActor) backlogPush(b backlogged) {
	if a.backlogAt > 0 && a.backlogAt >= len(a.backlog)/2 && len(a.backlog) == cap(a.backlog) {
		// Reuse the room the handed-over ops left at the front.
		n := copy(a.backlog, a.backlog[a.backlogAt:])
		clear(a.backlog[n:])
		a.backlog, a.backlogAt = a.backlog[:n], 0
	}
	if a.backlog == nil {
		a.backlog = make([]backlogged, 0, keptBacklog)
	}
	a.backlog = append(a.backlog, b)
}

// backlogPop removes the head and returns it.
func (a *connActor) backlogPop() backlogged {
	b := a.backlog[a.backlogAt]
	a.backlog[a.backlogAt] = backlogged{}
	a.backlogAt++
	if a.backlogAt == len(a.backlog) {
		a.backlog, a.backlogAt = a.backlog[:0], 0
		if cap(a.backlog) > keptBacklog {
			a.backlog = nil
		}
	}
	return b
}

// keptBacklog is the largest backlog array kept once it drains.
const keptBacklog = 32

// handedOver does what waited for b's op to reach the writer.
func (a *connActor) handedOver(b backlogged) {
	a.counts.Out++
	switch {
	case b.accept != nil:
		e := b.accept
		e.actor = a.accept(e.s)
		if e.reset && e.actor != nil {
			// Reset while its announce waited: the event is queued for
			// it; its context ends now, as abortOnce would have done.
			e.actor.Stop()
		}
	case b.opened != nil:
		if b.opened.Start != nil {
			if e := a.streams[b.opened.s.ID]; e != nil {
				e.actor = b.opened.Start(b.opened.s)
			}
		}
		b.opened.reply <- openReply{s: b.opened.s}
	case b.abort != nil:
		b.abort.e.abortOnce(b.abort.ev)
	}
}

// mailboxFor is the writer's mailbox b.op goes to.
func (a *connActor) mailboxFor(b backlogged) chan<- writerOp {
	if b.viaStreams {
		return a.c.wops
	}
	return a.ctrl
}

// backlogOut is the mailbox the backlog's head waits for, nil (never
// ready) when nothing waits; backlogHead is the op to offer it.
func (a *connActor) backlogOut() chan<- writerOp {
	if a.backlogLen() == 0 {
		return nil
	}
	return a.mailboxFor(a.backlog[a.backlogAt])
}

func (a *connActor) backlogHead() writerOp {
	if a.backlogLen() == 0 {
		return writerOp{}
	}
	return a.backlog[a.backlogAt].op
}

// backlogSent pops the op the loop handed over, and hands over what else
// fits without waiting.
func (a *connActor) backlogSent() {
	for {
		a.handedOver(a.backlogPop())
		if a.backlogLen() == 0 {
			return
		}
		next := a.backlog[a.backlogAt]
		select {
		case a.mailboxFor(next) <- next.op:
		default:
			return
		}
	}
}

// framesIn is the reader's channel, or nil while the backlog is long
// enough that the peer must wait.
func (a *connActor) framesIn() <-chan []inFrame {
	if a.backlogLen() >= readPauseAt {
		return nil
	}
	return a.frames
}

// inboxIn is the inbox, or nil while the backlog is long: our own streams
// wait too (their opens, releases and credit make ops), as they waited
// on a full writer before; the loop still serves the writer's reports,
// its timers and Inspect.
func (a *connActor) inboxIn() <-chan connMsg {
	if a.backlogLen() >= readPauseAt {
		return nil
	}
	return a.c.inbox
}

// creditIn is the streams' credit channel, or nil while the backlog is
// long (credit makes WINDOW_UPDATEs).
func (a *connActor) creditIn() <-chan creditMsg {
	if a.backlogLen() >= readPauseAt {
		return nil
	}
	return a.c.credit
}

// backlogOverflow is the error that ends a connection whose backlog
// passed its bound, or nil.
func (a *connActor) backlogOverflow() error {
	if a.backlogLen() <= maxBacklog {
		return nil
	}
	return protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: fmt.Sprintf("more than %d control frames wait for a peer that does not read", maxBacklog)}
}

// flushBacklog hands the backlog, then op, to the writer as the
// connection shuts down, waiting for room (the socket's write deadline
// bounds the wait) unless the writer has ended. op goes through the
// streams' mailbox, behind every Write a stream sent before it (the
// writer serves control ops first anyway).
func (a *connActor) flushBacklog(op writerOp) {
	a.backlogPush(backlogged{op: op, viaStreams: true})
	for a.backlogLen() > 0 {
		next := a.backlog[a.backlogAt]
		if next.opened != nil {
			// Its opener hears nothing more (the connection is ending), so
			// its request must not go out: it was never opened.
			a.backlogPop()
			continue
		}
		select {
		case a.mailboxFor(next) <- next.op:
			a.backlogPop() // what waited for it is moot now
		case <-a.c.wdone:
			return
		}
	}
}
