package connactor

// Receive-side flow control. The connection owns both windows we grant: a
// stream's and the connection's. Both are given back only as the
// application consumes data, so what a peer can make us buffer is bounded
// by the windows. A grant is sent once a quarter of the window is owed,
// which keeps WINDOW_UPDATE frames few without ever stalling the peer.

func (a *connActor) consumed(id uint32, n int64) {
	a.grantConn(n)
	if e, ok := a.streams[id]; ok {
		e.buffered -= n
		a.grantStream(id, e, n)
	}
}

func (a *connActor) grantConn(n int64) {
	a.connUnacked += n
	if a.connUnacked >= int64(a.connWindow)/4 && !a.withholdConnGrant() {
		a.flushConnGrant()
	}
}

// flushConnGrant gives the peer back all the connection window owed.
func (a *connActor) flushConnGrant() {
	a.connRecvAvail += a.connUnacked
	a.write(windowUpdateOp(0, uint32(a.connUnacked)))
	a.connUnacked = 0
}

func (a *connActor) grantStream(id uint32, e *streamEntry, n int64) {
	if e.state.recvDone() {
		return // the peer sends nothing more on it
	}
	e.unacked += n
	if e.unacked >= int64(a.streamWindow)/4 {
		e.recvAvail += e.unacked
		a.write(windowUpdateOp(id, uint32(e.unacked)))
		e.unacked = 0
	}
}

// release forgets an ended stream, returns its unconsumed bytes to the
// connection window, and lets a waiting open take its place.
func (a *connActor) release(id uint32) {
	a.takeSendCloses() // the state the stream closes in counts the writer's last news
	e, ok := a.streams[id]
	if !ok {
		return
	}
	delete(a.streams, id)
	closedAs, _ := transition(e.state, evRelease)
	a.closed.add(id, closedAs)
	a.tally.streamEnded(closedAs, e.s.statusOK)
	a.ageStreamEnded()
	a.unholdStream(id)
	if e.buffered > 0 {
		a.grantConn(e.buffered)
	}
	a.openWaiting()
}
