package connactor

// closedStreams remembers how the most recent streams closed, so that a
// frame arriving late gets the answer RFC 9113 5.1 gives for that kind of
// closing (see transition), in bounded memory: a ring of the last
// closedMemory streams. Beyond it, a stream id lower than every forgotten
// one is unknown, and its frames are ignored.
//
// The ring grows as streams close, up to closedMemory entries (512
// bytes), so that a connection that made a call or two pays for a call or
// two, not for the whole ring: idle connections are most of a gateway's.
type closedStreams struct {
	ring      []closedStream // in closing order from next, once full
	next      int            // once full: the oldest entry, overwritten next
	forgotMax uint32         // the highest id that left the ring
}

// closedStream is how one stream closed.
type closedStream struct {
	id    uint32
	state streamState
}

// closedMemory is how many closed streams are remembered. A frame later
// than 64 closings is merely ignored, as for any forgotten stream.
const closedMemory = 64

func (c *closedStreams) add(id uint32, s streamState) {
	if len(c.ring) < closedMemory {
		c.ring = append(c.ring, closedStream{id, s})
		return
	}
	c.forgotMax = max(c.forgotMax, c.ring[c.next].id)
	c.ring[c.next] = closedStream{id, s}
	c.next = (c.next + 1) % closedMemory
}

// lookup says how stream id closed. known is false for a stream closed so
// long ago that it was forgotten. never is true for an id that was skipped
// (a higher one was opened first), which RFC 9113 5.1.1 closes implicitly.
func (c *closedStreams) lookup(id uint32) (s streamState, known, never bool) {
	for _, e := range c.ring {
		if e.id == id {
			return e.state, true, false
		}
	}
	if id > c.forgotMax {
		return stateClosed, false, true
	}
	return stateClosedByUs, false, false
}
