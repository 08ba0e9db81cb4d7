package connactor

// closedStreams remembers how the most recent streams closed, so that a
// frame arriving late gets the answer RFC 9113 5.1 gives for that kind of
// closing (see transition), in bounded memory: a ring of the last
// closedMemory streams. Beyond it, a stream id lower than every forgotten
// one is unknown, and its frames are ignored.
type closedStreams struct {
	ids       [closedMemory]uint32
	states    [closedMemory]streamState
	next      int
	full      bool
	forgotMax uint32 // the highest id that left the ring
}

// closedMemory is how many closed streams are remembered: 320 bytes per
// connection (an idle connection pays it too). A frame later than 64
// closings is merely ignored, as for any forgotten stream.
const closedMemory = 64

func (c *closedStreams) add(id uint32, s streamState) {
	if c.full {
		c.forgotMax = max(c.forgotMax, c.ids[c.next])
	}
	c.ids[c.next], c.states[c.next] = id, s
	c.next++
	if c.next == closedMemory {
		c.next, c.full = 0, true
	}
}

// lookup says how stream id closed. known is false for a stream closed so
// long ago that it was forgotten. never is true for an id that was skipped
// (a higher one was opened first), which RFC 9113 5.1.1 closes implicitly.
func (c *closedStreams) lookup(id uint32) (s streamState, known, never bool) {
	n := c.next
	if c.full {
		n = closedMemory
	}
	for i := range n {
		if c.ids[i] == id {
			return c.states[i], true, false
		}
	}
	if id > c.forgotMax {
		return stateClosed, false, true
	}
	return stateClosedByUs, false, false
}
