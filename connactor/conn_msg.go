package connactor

// connMsg is a message to the connection actor from a stream or from the
// handle's API: one of the types below and no other (the method is
// unexported). Each kind carries only its own fields. Those on every
// call's path (release, finish, open) hold a single pointer, which an
// interface holds without an allocation.
type connMsg interface{ connMsg() }

// creditMsg is the other message a stream sends the connection, on a
// channel of its own (Conn.credit) because it comes with every 16 KiB a
// stream takes and a value in a typed channel costs no allocation: the
// application took window bytes of DATA, so the peer may send that much
// more (flow.go), and released held bytes it held, which the memory
// budget stops counting (budget.go).
type creditMsg struct {
	id           uint32
	window, held int32
}

// releaseMsg: the stream has ended on our side.
type releaseMsg struct{ s *Stream }

// flushMsg: the stream asks for the events the connection spilled.
type flushMsg struct{ s *Stream }

// finishMsg: a stream's last Write, to forward to the writer after the
// stream left the count (Stream.Finish).
type finishMsg struct{ w *Write }

// openMsg: a client opens a stream (Conn.Open).
type openMsg struct{ r *openRequest }

// cancelOpenMsg: the client gave up waiting for its open.
type cancelOpenMsg struct{ r *openRequest }

// gracefulMsg: GOAWAY, then end when the last stream does
// (Conn.GracefulClose).
type gracefulMsg struct{}

func (releaseMsg) connMsg()    {}
func (flushMsg) connMsg()      {}
func (finishMsg) connMsg()     {}
func (openMsg) connMsg()       {}
func (cancelOpenMsg) connMsg() {}
func (gracefulMsg) connMsg()   {}

// onCredit handles a stream's credit.
func (a *connActor) onCredit(c creditMsg) {
	if c.window > 0 {
		a.consumed(c.id, int64(c.window))
	}
	if c.held > 0 {
		a.unhold(c.id, int64(c.held))
	}
}

// takeCredit handles the credit that waits. A stream's credit must count
// before its release, which returns what it had not yet given back: the
// stream sent the credit first, so it is in the channel by the time the
// release is taken from the inbox.
func (a *connActor) takeCredit() {
	for {
		select {
		case c := <-a.c.credit:
			a.onCredit(c)
		default:
			return
		}
	}
}

// onMessage handles one message from the inbox.
func (a *connActor) onMessage(m connMsg) {
	a.takeCredit()
	switch m := m.(type) {
	case releaseMsg:
		a.release(m.s.ID)
	case finishMsg:
		a.release(m.w.StreamID)
		a.writeThen(backlogged{op: writeOp(*m.w), viaStreams: true})
	case flushMsg:
		if e, ok := a.streams[m.s.ID]; ok {
			e.s.events.Flush()
		}
	case openMsg:
		a.open(m.r)
	case cancelOpenMsg:
		a.cancelOpen(m.r)
	case gracefulMsg:
		a.beginGoAway()
	case reserveMsg:
		a.reserve(m.s)
	}
}
