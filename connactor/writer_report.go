package connactor

import "golang.org/x/net/http2"

// What the writer tells the connection actor besides its end (werr). The
// writer finds faults as it sends, but decides nothing about the
// connection: it stops sending what cannot go on, reports, and writes what
// it is told. Every report goes up a channel the writer never waits on
// (an edge back up the graph).

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

// A connection fault is a protocolError on the writer's fault channel:
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

// streamFaultReports is how many stream faults wait for the connection
// actor before the writer takes the peer for an abuser (ENHANCE_YOUR_CALM).
const streamFaultReports = 8

// reportFault tells the connection actor of a stream the writer dropped,
// without waiting. A full channel means the peer provokes faults
// wholesale: the writer reports a connection fault instead.
func (w *writer) reportFault(f streamFault) {
	select {
	case w.faults <- f:
	default:
		w.halt(protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: "too many streams failed at once"})
	}
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
	w.fault <- pe // room for one, and this is the only send
}

// noteSendClose reports stream id's sending side closed, without waiting.
func (w *writer) noteSendClose(id uint32, reset bool) {
	select {
	case w.closes <- sendClose{id: id, reset: reset}:
	default: // dropped; see sendCloseReports
	}
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
