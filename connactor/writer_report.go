package connactor

import "golang.org/x/net/http2"

// What the writer tells the connection actor. The writer finds faults as
// it sends, but decides nothing about the connection: it stops sending
// what cannot go on, reports, and writes what it is told. Every report
// goes up a channel the writer never waits on (an edge back up the
// graph): one channel for all kinds (writerReport), so that the
// connection actor, idle, waits on one channel rather than five (each
// costs its parked select a wait record and a case's worth of stack),
// and sendClose's own, which the actor drains without waiting on it.

// writerReport is a report on w.reports: one of the types below and no
// other (the method is unexported).
type writerReport interface{ writerReport() }

// writerEnd is the writer's end, sent by its exit hook (a writeFailed
// names the streams whose HEADERS never reached the socket); nil: it
// finished.
type writerEnd struct{ err error }

// connFault is a connection fault (below).
type connFault struct{ err protocolError }

// queuedReport is the bytes the writer holds behind the peer's windows
// (writer_budget.go): at most one waits, the newest.
type queuedReport int64

func (streamFault) writerReport()  {}
func (connFault) writerReport()    {}
func (writerEnd) writerReport()    {}
func (queuedReport) writerReport() {}
func (stallReport) writerReport()  {}

// writerReports is the room on w.reports, enough that no report ever
// waits: up to streamFaultReports reports of any kind before a stream
// fault halts the writer instead, then one each of the kinds that never
// pile up (a connection fault, sent once; a queued figure, the newest
// replacing one not yet taken; a stall report, one check at a time; the
// end, after the writer's last report).
const writerReports = streamFaultReports + 4

// streamFault is a stream the writer cannot go on sending for: the peer
// overflowed its send window (RFC 9113 6.9.1), or its headers are over the
// peer's SETTINGS_MAX_HEADER_LIST_SIZE. The writer has dropped what the
// stream had queued; the connection actor resets it (RST_STREAM when the
// peer knows the stream) and tells the stream.
type streamFault struct {
	id        uint32
	code      http2.ErrCode
	peerKnows bool // the peer opened it, or our HEADERS went out: RST_STREAM is due
	err       error
}

// A connection fault is a protocolError in a connFault report:
// the peer overflowed the connection's send window, or made streams fail
// faster than the connection actor takes the reports. The writer then
// halts (it fails every Write and writes only the GOAWAY it is told), and
// the connection actor ends the connection with GOAWAY(code).

// sendClose is a stream whose sending side the writer closed: its
// END_STREAM went out, or (reset) a RST_STREAM the stream asked for. The
// connection actor applies it to the stream's RFC 9113 state (evSendEnd,
// evSendRST).
type sendClose struct {
	id    uint32
	reset bool
}

// sendCloseReports is how many send-side closes wait for the connection
// actor, which takes them whenever it handles frames or a release. A
// report that finds them all waiting is dropped: the stream then looks
// open until its release, which only makes late frames more welcome.
const sendCloseReports = 32

// streamFaultReports is how many reports wait for the connection actor
// when the writer takes a stream fault for a peer that provokes them
// wholesale (ENHANCE_YOUR_CALM).
const streamFaultReports = 8

// reportFault tells the connection actor of a stream the writer dropped,
// without waiting. streamFaultReports reports waiting means the peer
// provokes faults faster than the actor takes them: the writer reports a
// connection fault instead.
func (w *writer) reportFault(f streamFault) {
	if len(w.reports) >= streamFaultReports {
		w.halt(protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: "too many streams failed at once"})
		return
	}
	w.reports <- f
}

// reportQueued tells the connection actor the bytes queued, replacing a
// figure it has not taken yet. The writer is the only sender while it
// runs, so what it takes out it can put back, in order, without waiting.
func (w *writer) reportQueued(n int64) {
	var kept [writerReports]writerReport
	k := 0
	for range len(w.reports) {
		select {
		case r := <-w.reports:
			if _, old := r.(queuedReport); !old {
				kept[k] = r
				k++
			}
		default: // the connection actor took the rest
		}
	}
	for _, r := range kept[:k] {
		w.reports <- r
	}
	w.reports <- queuedReport(n)
}

// halt stops all sending after a connection fault, and reports it once.
func (w *writer) halt(pe protocolError) {
	if w.halted {
		return
	}
	w.halted = true
	for id := range w.streams {
		w.dropStream(id, pe)
	}
	w.reports <- connFault{pe} // its room is kept, and this is the only one
}

// noteSendClose reports stream id's sending side closed, without waiting.
func (w *writer) noteSendClose(id uint32, reset bool) {
	select {
	case w.closes <- sendClose{id: id, reset: reset}:
	default: // dropped; see sendCloseReports
	}
}

// onWriterReport handles a report of the writer's; done: the writer ended
// cleanly (the connection ends too), err: the connection ends with it.
func (a *connActor) onWriterReport(r writerReport) (done bool, err error) {
	switch r := r.(type) {
	case streamFault:
		a.onStreamFault(r)
	case connFault:
		return false, r.err
	case queuedReport:
		a.queuedReport(int64(r))
	case stallReport:
		return false, a.onStallReport(r)
	case writerEnd:
		if r.err == nil {
			return true, nil
		}
		a.afterWriteFailure(r.err)
		return false, r.err
	}
	return false, nil
}

// onStreamFault resets a stream the writer dropped.
func (a *connActor) onStreamFault(f streamFault) {
	e, ok := a.streams[f.id]
	switch {
	case !ok:
		if f.peerKnows {
			a.write(rstOp(f.id, f.code))
		}
		return
	case !f.peerKnows:
		// The writer dropped it already: nothing of the stream's can
		// overtake an op.
		e.abortOnce(Event{Kind: EventReset, Code: f.code, Err: f.err, Local: true})
		return
	}
	e.state, _ = transition(e.state, evSendRST)
	a.writeThenAbort(rstOp(f.id, f.code), e, Event{Kind: EventReset, Code: f.code, Err: f.err, Local: true})
}

// takeSendCloses applies the send-side closes the writer reported.
func (a *connActor) takeSendCloses() {
	for {
		select {
		case c := <-a.wcloses:
			if e, ok := a.streams[c.id]; ok {
				ev := evSendEnd
				if c.reset {
					ev = evSendRST
				}
				e.state, _ = transition(e.state, ev)
			}
		default:
			return
		}
	}
}
