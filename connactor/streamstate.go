package connactor

import (
	"fmt"

	"golang.org/x/net/http2"
)

// The life of a stream as RFC 9113 5.1 draws it, seen by the connection
// actor: the state a stream is in, what the peer's frames do to it, and
// the error each frame that does not belong earns. The transition function
// is pure, so every (state, event) pair is tested on its own
// (streamstate_test.go).
//
// Our own END_STREAM and RST_STREAM go out through the writer, which
// reports each stream's send-side close to the connection actor without
// waiting (writer_report.go); the actor applies it as evSendEnd or
// evSendRST. The report may come late (never early: the peer cannot see
// our END_STREAM before the writer wrote it), and a late one errs on the
// lenient side: the stream looks open a little longer. Push is off, so the
// reserved states never occur.

// streamState is a stream's state in RFC 9113 5.1, with "closed" split by
// how the stream closed, which decides what a late frame gets.
type streamState uint8

const (
	stateIdle             streamState = iota
	stateOpen                         // both sides may send
	stateHalfClosedLocal              // our END_STREAM went out; the peer may still send
	stateHalfClosedRemote             // the peer sent END_STREAM; we may still send
	stateClosed                       // both sides ended: late DATA or HEADERS are a connection error
	stateClosedByPeer                 // the peer reset it: frames but PRIORITY are a stream error
	stateClosedByUs                   // we reset it: the peer's frames in flight are ignored
)

func (s streamState) String() string {
	switch s {
	case stateIdle:
		return "idle"
	case stateOpen:
		return "open"
	case stateHalfClosedLocal:
		return "half-closed (local)"
	case stateHalfClosedRemote:
		return "half-closed (remote)"
	case stateClosed:
		return "closed"
	case stateClosedByPeer:
		return "closed (reset by the peer)"
	case stateClosedByUs:
		return "closed (reset by us)"
	}
	return fmt.Sprintf("streamState(%d)", uint8(s))
}

// recvDone reports a state in which the peer can send nothing more.
func (s streamState) recvDone() bool { return s >= stateHalfClosedRemote }

// streamEvent is what happens to a stream: a frame from the peer, or
// something we do.
type streamEvent uint8

const (
	evHeaders     streamEvent = iota // the peer's first HEADERS on the stream
	evHeadersEnd                     // the same, with END_STREAM
	evTrailers                       // a later HEADERS from the peer, without END_STREAM
	evTrailersEnd                    // a later HEADERS with END_STREAM
	evData
	evDataEnd
	evRST
	evWindowUpdate
	evPriority
	evSendHeaders // we open the stream (client role)
	evSendRST     // we reset it
	evRelease     // our side is done with it and forgets it
	evSendEnd     // our END_STREAM went out (the writer's report)
	numStreamEvents
)

func (e streamEvent) String() string {
	return [...]string{"HEADERS", "HEADERS+END_STREAM", "trailing HEADERS", "trailing HEADERS+END_STREAM",
		"DATA", "DATA+END_STREAM", "RST_STREAM", "WINDOW_UPDATE", "PRIORITY",
		"send HEADERS", "send RST_STREAM", "release", "send END_STREAM"}[e]
}

// verdictKind is what the connection does with the frame.
type verdictKind uint8

const (
	accept      verdictKind = iota // handle the frame
	ignore                         // drop it (flow control still counts DATA)
	streamError                    // RST_STREAM(code) that stream (RFC 9113 5.4.2)
	connError                      // GOAWAY(code) and close (RFC 9113 5.4.1)
)

// verdict is the transition's answer besides the new state.
type verdict struct {
	kind verdictKind
	code http2.ErrCode
	why  string
}

// fine is the verdict of a frame that belongs.
var fine = verdict{kind: accept}

func stateErr(kind verdictKind, code http2.ErrCode, ev streamEvent, s streamState) verdict {
	return verdict{kind: kind, code: code, why: fmt.Sprintf("%v on a stream that is %v", ev, s)}
}

// transition is RFC 9113 5.1 for one stream: the state after ev, and what
// to do with the frame.
func transition(s streamState, ev streamEvent) (streamState, verdict) {
	switch ev {
	case evSendHeaders:
		if s == stateIdle {
			return stateOpen, fine
		}
		return s, fine
	case evSendRST:
		if s >= stateClosed {
			return s, fine
		}
		return stateClosedByUs, fine
	case evSendEnd:
		switch s {
		case stateOpen:
			return stateHalfClosedLocal, fine
		case stateHalfClosedRemote:
			return stateClosed, fine
		}
		return s, fine
	case evRelease:
		switch s {
		case stateHalfClosedRemote:
			// Our side ended too (the stream released it after its last
			// frame went out).
			return stateClosed, fine
		case stateIdle, stateOpen, stateHalfClosedLocal:
			// Our side gave up before the peer ended: the stream layer
			// resets it, so the peer's frames in flight are ignored.
			return stateClosedByUs, fine
		}
		return s, fine
	case evPriority:
		// PRIORITY may arrive in any state (5.1); a dependency on itself is
		// checked by the caller (5.3.1), which knows the frame.
		return s, fine
	}

	switch s {
	case stateIdle:
		switch ev {
		case evHeaders:
			return stateOpen, fine
		case evHeadersEnd:
			return stateHalfClosedRemote, fine
		}
		// "Receiving any frame other than HEADERS or PRIORITY on a stream
		// in this state MUST be treated as a connection error of type
		// PROTOCOL_ERROR."
		return s, stateErr(connError, http2.ErrCodeProtocol, ev, s)
	case stateOpen, stateHalfClosedLocal:
		// Half-closed (local) takes the peer's frames as open does; the
		// peer's END_STREAM then closes the stream.
		ended := stateHalfClosedRemote
		if s == stateHalfClosedLocal {
			ended = stateClosed
		}
		switch ev {
		case evHeaders, evData, evWindowUpdate:
			return s, fine
		case evHeadersEnd, evTrailersEnd, evDataEnd:
			return ended, fine
		case evTrailers:
			// 8.1: a request or response has one header section and at
			// most one trailer section, which ends the stream.
			return s, verdict{kind: streamError, code: http2.ErrCodeProtocol, why: "trailing HEADERS without END_STREAM (RFC 9113 8.1)"}
		case evRST:
			return stateClosedByPeer, fine
		}
	case stateHalfClosedRemote:
		switch ev {
		case evWindowUpdate:
			return s, fine
		case evRST:
			return stateClosedByPeer, fine
		}
		// "If an endpoint receives additional frames, other than
		// WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in
		// this state, it MUST respond with a stream error of type
		// STREAM_CLOSED."
		return s, stateErr(streamError, http2.ErrCodeStreamClosed, ev, s)
	case stateClosed:
		switch ev {
		case evWindowUpdate, evRST:
			// Allowed for a short while after our END_STREAM went out.
			return s, verdict{kind: ignore}
		}
		// "An endpoint that receives any frames after receiving a frame
		// with the END_STREAM flag set MUST treat that as a connection
		// error of type STREAM_CLOSED."
		return s, stateErr(connError, http2.ErrCodeStreamClosed, ev, s)
	case stateClosedByPeer:
		if ev == evRST {
			// "An endpoint MUST NOT send a RST_STREAM in response to a
			// RST_STREAM frame, to avoid looping." (5.4.2)
			return s, verdict{kind: ignore}
		}
		// "An endpoint that receives any frame other than PRIORITY after
		// receiving a RST_STREAM MUST treat that as a stream error of type
		// STREAM_CLOSED."
		return s, stateErr(streamError, http2.ErrCodeStreamClosed, ev, s)
	case stateClosedByUs:
		// "An endpoint MUST ignore frames that it receives on closed
		// streams after it has sent a RST_STREAM frame."
		return s, verdict{kind: ignore}
	}
	return s, fine
}
