package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestTransitionTable checks RFC 9113 5.1 on every (state, event) pair.
func TestTransitionTable(t *testing.T) {
	type want struct {
		next streamState
		kind verdictKind
		code http2.ErrCode
	}
	const (
		protocol = http2.ErrCodeProtocol
		closed   = http2.ErrCodeStreamClosed
	)
	same := func(s streamState, kind verdictKind, code http2.ErrCode) want { return want{s, kind, code} }
	table := map[streamState]map[streamEvent]want{
		stateIdle: {
			evHeaders:      same(stateOpen, accept, 0),
			evHeadersEnd:   same(stateHalfClosedRemote, accept, 0),
			evTrailers:     same(stateIdle, connError, protocol), // "any frame other than HEADERS or PRIORITY"
			evTrailersEnd:  same(stateIdle, connError, protocol),
			evData:         same(stateIdle, connError, protocol),
			evDataEnd:      same(stateIdle, connError, protocol),
			evRST:          same(stateIdle, connError, protocol),
			evWindowUpdate: same(stateIdle, connError, protocol),
			evPriority:     same(stateIdle, accept, 0),
			evSendHeaders:  same(stateOpen, accept, 0),
			evSendRST:      same(stateClosedByUs, accept, 0),
			evRelease:      same(stateClosedByUs, accept, 0),
			evSendEnd:      same(stateIdle, accept, 0),
		},
		stateOpen: {
			evHeaders:      same(stateOpen, accept, 0),
			evHeadersEnd:   same(stateHalfClosedRemote, accept, 0),
			evTrailers:     same(stateOpen, streamError, protocol), // 8.1: trailers end the stream
			evTrailersEnd:  same(stateHalfClosedRemote, accept, 0),
			evData:         same(stateOpen, accept, 0),
			evDataEnd:      same(stateHalfClosedRemote, accept, 0),
			evRST:          same(stateClosedByPeer, accept, 0),
			evWindowUpdate: same(stateOpen, accept, 0),
			evPriority:     same(stateOpen, accept, 0),
			evSendHeaders:  same(stateOpen, accept, 0),
			evSendRST:      same(stateClosedByUs, accept, 0),
			evRelease:      same(stateClosedByUs, accept, 0), // our side gave up first: the stream layer resets it
			evSendEnd:      same(stateHalfClosedLocal, accept, 0),
		},
		stateHalfClosedLocal: {
			evHeaders:      same(stateHalfClosedLocal, accept, 0), // the peer's frames as in open
			evHeadersEnd:   same(stateClosed, accept, 0),          // the peer's END_STREAM closes it
			evTrailers:     same(stateHalfClosedLocal, streamError, protocol),
			evTrailersEnd:  same(stateClosed, accept, 0),
			evData:         same(stateHalfClosedLocal, accept, 0),
			evDataEnd:      same(stateClosed, accept, 0),
			evRST:          same(stateClosedByPeer, accept, 0),
			evWindowUpdate: same(stateHalfClosedLocal, accept, 0),
			evPriority:     same(stateHalfClosedLocal, accept, 0),
			evSendHeaders:  same(stateHalfClosedLocal, accept, 0),
			evSendRST:      same(stateClosedByUs, accept, 0),
			evRelease:      same(stateClosedByUs, accept, 0), // our side gave up before the peer ended
			evSendEnd:      same(stateHalfClosedLocal, accept, 0),
		},
		stateHalfClosedRemote: {
			evHeaders:      same(stateHalfClosedRemote, streamError, closed),
			evHeadersEnd:   same(stateHalfClosedRemote, streamError, closed),
			evTrailers:     same(stateHalfClosedRemote, streamError, closed),
			evTrailersEnd:  same(stateHalfClosedRemote, streamError, closed),
			evData:         same(stateHalfClosedRemote, streamError, closed),
			evDataEnd:      same(stateHalfClosedRemote, streamError, closed),
			evRST:          same(stateClosedByPeer, accept, 0),
			evWindowUpdate: same(stateHalfClosedRemote, accept, 0),
			evPriority:     same(stateHalfClosedRemote, accept, 0),
			evSendHeaders:  same(stateHalfClosedRemote, accept, 0),
			evSendRST:      same(stateClosedByUs, accept, 0),
			evRelease:      same(stateClosed, accept, 0),
			evSendEnd:      same(stateClosed, accept, 0),
		},
		stateClosed: {
			evHeaders:      same(stateClosed, connError, closed), // "after receiving a frame with the END_STREAM flag"
			evHeadersEnd:   same(stateClosed, connError, closed),
			evTrailers:     same(stateClosed, connError, closed),
			evTrailersEnd:  same(stateClosed, connError, closed),
			evData:         same(stateClosed, connError, closed),
			evDataEnd:      same(stateClosed, connError, closed),
			evRST:          same(stateClosed, ignore, 0), // "for a short period after ... END_STREAM"
			evWindowUpdate: same(stateClosed, ignore, 0),
			evPriority:     same(stateClosed, accept, 0),
			evSendHeaders:  same(stateClosed, accept, 0),
			evSendRST:      same(stateClosed, accept, 0),
			evRelease:      same(stateClosed, accept, 0),
			evSendEnd:      same(stateClosed, accept, 0),
		},
		stateClosedByPeer: {
			evHeaders:      same(stateClosedByPeer, streamError, closed), // "any frame other than PRIORITY after receiving a RST_STREAM"
			evHeadersEnd:   same(stateClosedByPeer, streamError, closed),
			evTrailers:     same(stateClosedByPeer, streamError, closed),
			evTrailersEnd:  same(stateClosedByPeer, streamError, closed),
			evData:         same(stateClosedByPeer, streamError, closed),
			evDataEnd:      same(stateClosedByPeer, streamError, closed),
			evRST:          same(stateClosedByPeer, ignore, 0), // 5.4.2: no RST_STREAM for a RST_STREAM
			evWindowUpdate: same(stateClosedByPeer, streamError, closed),
			evPriority:     same(stateClosedByPeer, accept, 0),
			evSendHeaders:  same(stateClosedByPeer, accept, 0),
			evSendRST:      same(stateClosedByPeer, accept, 0),
			evRelease:      same(stateClosedByPeer, accept, 0),
			evSendEnd:      same(stateClosedByPeer, accept, 0),
		},
		stateClosedByUs: {
			evHeaders:      same(stateClosedByUs, ignore, 0), // "MUST ignore frames ... after it has sent a RST_STREAM"
			evHeadersEnd:   same(stateClosedByUs, ignore, 0),
			evTrailers:     same(stateClosedByUs, ignore, 0),
			evTrailersEnd:  same(stateClosedByUs, ignore, 0),
			evData:         same(stateClosedByUs, ignore, 0),
			evDataEnd:      same(stateClosedByUs, ignore, 0),
			evRST:          same(stateClosedByUs, ignore, 0),
			evWindowUpdate: same(stateClosedByUs, ignore, 0),
			evPriority:     same(stateClosedByUs, accept, 0),
			evSendHeaders:  same(stateClosedByUs, accept, 0),
			evSendRST:      same(stateClosedByUs, accept, 0),
			evRelease:      same(stateClosedByUs, accept, 0),
			evSendEnd:      same(stateClosedByUs, accept, 0),
		},
	}
	for s := stateIdle; s <= stateClosedByUs; s++ {
		row, ok := table[s]
		require.True(t, ok, "no row for %v", s)
		for ev := range numStreamEvents {
			w, ok := row[ev]
			require.True(t, ok, "no cell for %v in %v", ev, s)
			next, v := transition(s, ev)
			require.Equal(t, w.next, next, "%v in %v: next state", ev, s)
			require.Equal(t, w.kind, v.kind, "%v in %v: verdict (%s)", ev, s, v.why)
			require.Equal(t, w.code, v.code, "%v in %v: code", ev, s)
			if v.kind == streamError || v.kind == connError {
				require.NotEmpty(t, v.why, "%v in %v: an error says why", ev, s)
			}
		}
	}
}

// FuzzStreamTransition runs random event sequences: nothing panics, a
// closed stream never reopens, the peer can send nothing once its side is
// done, and every error says why.
func FuzzStreamTransition(f *testing.F) {
	f.Add([]byte{0, 4, 5})
	f.Add([]byte{1, 10, 4, 6})
	f.Add([]byte{0, 6, 4, 6, 8})
	f.Fuzz(func(t *testing.T, events []byte) {
		s := stateIdle
		for _, b := range events {
			ev := streamEvent(b % byte(numStreamEvents))
			next, v := transition(s, ev)
			if s >= stateClosed && next < stateClosed {
				t.Fatalf("%v in %v reopened the stream (%v)", ev, s, next)
			}
			if (v.kind == streamError || v.kind == connError) && (v.why == "" || v.code == 0) {
				t.Fatalf("%v in %v: an error without code or reason", ev, s)
			}
			if s.recvDone() && v.kind == accept && (ev == evData || ev == evDataEnd || ev == evHeaders || ev == evTrailersEnd) {
				t.Fatalf("%v accepted in %v", ev, s)
			}
			if v.kind == streamError || v.kind == connError {
				continue // the frame is refused; the state stays
			}
			s = next
		}
	})
}

func TestClosedStreamsMemory(t *testing.T) {
	var c closedStreams
	for id := uint32(1); id < 4*closedMemory; id += 2 {
		c.add(id, stateClosed)
	}
	// 2*closedMemory streams closed: the first half was forgotten.
	s, known, never := c.lookup(4*closedMemory - 1)
	require.True(t, known)
	require.Equal(t, stateClosed, s)
	s, known, never = c.lookup(1)
	require.False(t, known)
	require.False(t, never, "a forgotten id is not taken for a skipped one")
	require.Equal(t, stateClosedByUs, s, "frames on a forgotten stream are ignored")
	_, known, never = c.lookup(4 * closedMemory)
	require.False(t, known)
	require.True(t, never, "an id above every forgotten one that is not remembered was skipped")
}
