package connactor

import "fmt"

// connPhase is where a connection is in its life. It is one value, moved
// only by nextPhase, so that the questions the connection asks of it (does
// it take new streams? does it end with its last stream? is GOAWAY owed?)
// have one answer each, below.
type connPhase uint8

const (
	// phaseServing: streams open and close freely.
	phaseServing connPhase = iota
	// phaseDraining (server): our first GOAWAY (last stream 2^31-1) and
	// its PING are out; the streams a client opened before reading it are
	// still taken (graceful.go).
	phaseDraining
	// phasePeerGoingAway: the peer's GOAWAY came and we have sent none:
	// we open nothing new; the connection ends with its last stream.
	phasePeerGoingAway
	// phaseGoneAway: our final GOAWAY is out: nothing new starts; the
	// connection ends with its last stream.
	phaseGoneAway
	// phaseClosing: the loop is over; the writer flushes, the reader
	// stops, the streams are told (connActor.shutdown).
	phaseClosing
	// phaseClosed: every goroutine of the connection has ended.
	phaseClosed
)

func (p connPhase) String() string {
	switch p {
	case phaseServing:
		return "serving"
	case phaseDraining:
		return "draining"
	case phasePeerGoingAway:
		return "peer going away"
	case phaseGoneAway:
		return "gone away"
	case phaseClosing:
		return "closing"
	case phaseClosed:
		return "closed"
	}
	return fmt.Sprintf("connPhase(%d)", uint8(p))
}

// phaseEvent is what moves a connection's phase.
type phaseEvent uint8

const (
	phDrain      phaseEvent = iota // a server's graceful close begins
	phGoAway                       // we go away: the final GOAWAY (a client's graceful close, the shutdown PING answered, ids exhausted)
	phPeerGoAway                   // the peer's GOAWAY arrived
	phFail                         // a connection error ends the loop: GOAWAY(code) is owed unless ours went out
	phEnd                          // the loop ends otherwise (closed, drained, the socket failed)
	phClosed                       // shutdown is over
	numPhaseEvents
)

func (e phaseEvent) String() string {
	return [...]string{"drain", "go away", "peer GOAWAY", "fail", "end", "closed"}[e]
}

// phaseAction is what a transition asks the connection to send.
type phaseAction uint8

const (
	noAction        phaseAction = iota
	sendFirstGoAway             // GOAWAY(2^31-1, NO_ERROR) and the shutdown PING (graceful.go)
	sendFinalGoAway             // GOAWAY(the last stream the peer opened, code)
)

// nextPhase is the connection's life cycle: the phase after ev, and what
// to send for it. An event that does not apply leaves the phase as it is.
func nextPhase(p connPhase, ev phaseEvent) (connPhase, phaseAction) {
	switch ev {
	case phDrain:
		switch p {
		case phaseServing:
			return phaseDraining, sendFirstGoAway
		case phasePeerGoingAway:
			// The peer opens nothing more: no stream races our GOAWAY,
			// so the final one can go at once.
			return phaseGoneAway, sendFinalGoAway
		}
	case phGoAway:
		if p < phaseGoneAway {
			return phaseGoneAway, sendFinalGoAway
		}
	case phPeerGoAway:
		switch p {
		case phaseServing:
			return phasePeerGoingAway, noAction
		case phaseDraining:
			// As for phDrain: nothing races the final GOAWAY now.
			return phaseGoneAway, sendFinalGoAway
		}
	case phFail:
		switch {
		case p < phaseGoneAway:
			return phaseClosing, sendFinalGoAway
		case p == phaseGoneAway:
			return phaseClosing, noAction
		}
	case phEnd:
		if p < phaseClosing {
			return phaseClosing, noAction
		}
	case phClosed:
		return phaseClosed, noAction
	}
	return p, noAction
}

// goingAway reports a phase in which GoingAway() is closed: every one but
// serving.
func (p connPhase) goingAway() bool { return p != phaseServing }

// opensStreams reports whether we may open a new stream (client role).
func (p connPhase) opensStreams() bool { return p == phaseServing }

// takesStreams reports whether a stream the peer opens is taken (server
// role): not after our final GOAWAY, which named the last one we take.
func (p connPhase) takesStreams() bool { return p < phaseGoneAway }

// endsWithLastStream reports a phase in which the connection ends once no
// stream is left.
func (p connPhase) endsWithLastStream() bool {
	return p == phasePeerGoingAway || p == phaseGoneAway
}
