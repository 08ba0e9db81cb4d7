package connactor

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/actors"
)

// OpenRequest is a new client stream: its request headers and, for a
// unary call, its one message and END_STREAM, so that a whole request
// costs one hop to the connection and one to the writer.
type OpenRequest struct {
	Header    []hpack.HeaderField
	Data      []byte
	EndStream bool
	// Done, if set, receives the outcome once the writer is finished with
	// Data (see Write.Done); it never fires for a request that was not
	// opened.
	Done chan<- error // from: writer to stream; never: it must have room for one
	// Start, if set, is called on the connection actor's goroutine once
	// the stream is open, before Open returns: it spawns the stream's own
	// actor (a streaming call's), which the connection lists as its child
	// in Inspect. It must not block.
	Start func(s *Stream) *actors.Ref
}

type openRequest struct {
	OpenRequest
	ctx   context.Context
	reply chan openReply // from: connection to stream; never: room for one
	s     *Stream        // set once opened, so a late cancel can reset it
}

type openReply struct {
	s   *Stream
	err error
}

// Open starts a client stream. It waits while the peer's
// MAX_CONCURRENT_STREAMS is reached, for as long as ctx allows.
func (c *Conn) Open(ctx context.Context, req OpenRequest) (*Stream, error) {
	if c.role != RoleClient {
		return nil, errors.New("connactor: Open on a server connection")
	}
	r := &openRequest{OpenRequest: req, ctx: ctx, reply: make(chan openReply, 1)}
	select {
	case c.inbox <- openMsg{r}:
	case <-c.ref.Done():
		return nil, c.closedErr()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case rep := <-r.reply:
		return rep.s, rep.err
	case <-c.ref.Done():
		return nil, c.closedErr()
	case <-ctx.Done():
		// The connection may open it meanwhile; it resets it if so.
		c.tell(cancelOpenMsg{r})
		return nil, ctx.Err()
	}
}

func (c *Conn) closedErr() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrConnClosed, err)
	}
	return ErrConnClosed
}

func (a *connActor) open(r *openRequest) {
	if !a.phase.opensStreams() {
		r.reply <- openReply{err: ErrGoingAway}
		return
	}
	if uint32(len(a.streams)) >= a.peerMaxStreams || len(a.waiting) > 0 {
		a.waiting = append(a.waiting, r)
		return
	}
	a.activate(r)
}

// activate gives r a stream id and sends its headers. Stream ids are
// handed out here, in the order the writer receives the HEADERS, which is
// the increasing order RFC 9113 5.1.1 requires.
func (a *connActor) activate(r *openRequest) {
	if a.nextID > 1<<31-1 {
		r.reply <- openReply{err: fmt.Errorf("%w: stream ids exhausted", ErrGoingAway)}
		a.goAway(http2.ErrCodeNo, "stream ids exhausted")
		return
	}
	id := a.nextID
	a.nextID += 2
	e := a.addStream(id)
	a.tally.localStreamStarted()
	r.s = e.s
	// The opener hears of its stream once the writer has its HEADERS
	// (control_backlog.go).
	a.writeThen(backlogged{op: openOp(Write{StreamID: id, Header: r.Header, Data: r.Data, EndStream: r.EndStream, Done: r.Done}), opened: r})
}

func (a *connActor) openWaiting() {
	for len(a.waiting) > 0 && uint32(len(a.streams)) < a.peerMaxStreams && a.phase.opensStreams() {
		r := a.waiting[0]
		a.waiting[0] = nil
		a.waiting = a.waiting[1:]
		if r.ctx.Err() != nil {
			continue // the caller gave up
		}
		a.activate(r)
	}
}

func (a *connActor) cancelOpen(r *openRequest) {
	for i, w := range a.waiting {
		if w == r {
			a.waiting = append(a.waiting[:i], a.waiting[i+1:]...)
			return
		}
	}
	if r.s != nil {
		if _, ok := a.streams[r.s.ID]; ok {
			a.resetStream(r.s.ID, http2.ErrCodeCancel, "the caller gave up")
			a.release(r.s.ID)
		}
	}
}

func (a *connActor) failWaiting(err error) {
	for _, r := range a.waiting {
		r.reply <- openReply{err: err}
	}
	a.waiting = nil
}
