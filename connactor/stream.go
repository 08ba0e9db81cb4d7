package connactor

import "github.com/actorpc/actorpc/mailbox"

// Stream is a stream's link to its connection: the events the connection
// delivers to it and the messages it sends back. It is used by one stream
// actor; its methods are safe to call from that actor and from the
// application goroutines that write through it.
type Stream struct {
	ID uint32
	// finishViaConn: the connection was nearly full of streams when this
	// one opened (server role), so Finish hands its last write to the
	// connection (see Finish). Set before the stream is handed out.
	finishViaConn bool
	// statusOK: the call ended with status OK, for Inspect
	// (socket_stats.go). Server: set by the stream's owner in Finish,
	// before the release that hands it to the connection actor; client:
	// set by the connection actor as the trailers arrive. Read by the
	// connection actor at the release. (Kept by ID: it costs no room.)
	statusOK bool
	conn     *Conn
	// events: the stream only reads Receive(), and asks for a Flush after
	// an event with Flush set, until the connection has ended, when
	// TakeOver hands what is left to the stream.
	events mailbox.Spill[Event] // from: connection to stream; never (a spill: what does not fit waits in the sender's queue)
	// A reservation (Reserve): the stream's receiving goroutine sets
	// reserving and sends reserveMsg, the connection actor reads it and
	// answers on reserved, made on the first reservation. One at a time.
	reserving int64
	reserved  chan bool // from: connection to stream; never (room for the one answer the stream waits for)
}

// eventCapacity is how many events wait in a stream's channel before the
// connection spills; a unary response needs three (headers, data,
// trailers). Every stream allocates the channel, so it is kept small: a
// busy stream spills, and the spill folds its DATA. The channel is the
// stream's only one from the connection: a spill is announced by the
// event in its last slot (Event.Flush), not by a wake channel, which
// saves an idle stream that channel and the wait record its parked
// select would hold on it.
const eventCapacity = 3

func newStream(c *Conn, id uint32) *Stream {
	return &Stream{ID: id, conn: c, events: mailbox.MakeSpill(eventCapacity, mergeData, markFlush)}
}

// Events is the channel of what happened to the stream. After an event
// with Flush set, call Flush: the connection may hold more.
func (s *Stream) Events() <-chan Event { return s.events.Receive() }

// Flush asks the connection to hand over the events it holds for us (see
// Event.Flush).
func (s *Stream) Flush() { s.conn.tell(flushMsg{s}) }

// Consumed tells the connection that n bytes of DATA left the stream's
// buffers, so that the peer may send that much more.
func (s *Stream) Consumed(n int) {
	if n > 0 {
		s.conn.giveCredit(creditMsg{id: s.ID, window: int32(n)})
	}
}

// Unhold tells the connection that the application took n bytes of the
// stream's messages, which the connection's memory budget stops counting
// (budget.go). A stream whose call takes a stream of requests calls it as
// each is taken; one that takes a single request holds it until Release.
func (s *Stream) Unhold(n int) {
	if n > 0 {
		s.conn.giveCredit(creditMsg{id: s.ID, held: int32(n)})
	}
}

// Release tells the connection the stream has ended on our side; it must
// be called exactly once, when the stream actor ends.
func (s *Stream) Release() { s.conn.tell(releaseMsg{s}) }

// Finish writes the stream's last frames (w) and releases it. Release
// after Write would let the peer see the stream end and open another
// before the connection has taken this one off its count, and be refused
// for a stream that is already over. So when the connection was nearly
// full of streams as this one opened, w goes through the connection,
// which takes the stream off its count and then hands w to the writer, in
// that order; otherwise w goes straight to the writer, one goroutine
// fewer on the way.
func (s *Stream) Finish(w Write) error {
	s.statusOK = statusOK(w.Trailer)
	if s.finishViaConn {
		w.StreamID = s.ID
		s.conn.tell(finishMsg{&w})
		return nil
	}
	defer s.Release()
	return s.Write(w)
}

// Write hands w to the writer. It waits only while the writer's mailbox is
// full, never for the write itself: pass w.Done to learn when it is sent.
func (s *Stream) Write(w Write) error {
	w.StreamID = s.ID
	return s.conn.write(writeOp(w))
}

// Reset sends RST_STREAM(code) for the stream.
func (s *Stream) Reset(code uint32) error {
	return s.Write(Write{Reset: true, ResetCode: errCode(code)})
}

// ConnDone is closed when the connection has ended; after that, TakeOver
// returns the events it still held for the stream.
func (s *Stream) ConnDone() <-chan struct{} { return s.conn.Done() }

// TakeOver returns the events the connection had spilled and not yet
// handed over. Only call it after ConnDone is closed: then the connection
// actor has ended and the spill has no other owner.
func (s *Stream) TakeOver() []Event {
	var rest []Event
	for {
		select {
		case ev := <-s.events.Receive():
			rest = append(rest, ev)
		default:
			return append(rest, s.events.TakeSpilled()...)
		}
	}
}

// Conn is the connection the stream runs on.
func (s *Stream) Conn() *Conn { return s.conn }
