package connactor

// connMsg is a message to the connection actor from a stream or from the
// handle's API: one of the types below and no other (the method is
// unexported). Each kind carries only its own fields. Those on every
// call's path (release, finish, open) hold a single pointer, which an
// interface holds without an allocation.
type connMsg interface{ connMsg() }

// consumedMsg: a stream's application took n bytes of DATA; the peer may
// send that much more (flow.go).
type consumedMsg struct {
	id uint32
	n  int
}

// unholdMsg: a stream's application took n bytes it held; the memory
// budget stops counting them (budget.go).
type unholdMsg struct {
	id uint32
	n  int
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

func (consumedMsg) connMsg()   {}
func (unholdMsg) connMsg()     {}
func (releaseMsg) connMsg()    {}
func (flushMsg) connMsg()      {}
func (finishMsg) connMsg()     {}
func (openMsg) connMsg()       {}
func (cancelOpenMsg) connMsg() {}
func (gracefulMsg) connMsg()   {}

// onMessage handles one message from the inbox.
func (a *connActor) onMessage(m connMsg) {
	switch m := m.(type) {
	case consumedMsg:
		a.consumed(m.id, int64(m.n))
	case unholdMsg:
		a.unhold(m.id, int64(m.n))
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
	}
}
