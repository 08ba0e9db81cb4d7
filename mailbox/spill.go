package mailbox

// Spill is the sending end of a never-blocking edge. It is owned by the
// sending actor: Offer and Flush must only be called from that actor's
// goroutine. The receiver reads Receive() and, on taking a message that
// mark flagged, asks the sender (by a message of its own) to Flush.
//
// The channel's last free slot carries the news of a spill, so the edge
// needs no second channel (nor the receiver a second wait record while it
// parks): a message put in that slot is handed to mark, which returns it
// flagged when more may follow it, and what follows waits in the spill until the
// receiver, having taken the flagged message, asks for a Flush. mark is
// told whether more is spilled already (then it must flag); when nothing
// is, it may leave unflagged a message after which the receiver reads no
// more (a stream's end), which saves a Flush per call.
//
// While anything is spilled, later messages spill behind it, so order is
// kept. merge, when set, may fold a message into the last spilled one (the
// connection folds consecutive DATA into one buffer), which keeps the spill
// as small as the bytes it holds rather than the frames that carried them.
type Spill[T any] struct {
	ch      chan T
	spilled []T
	merge   func(last *T, next T) bool
	mark    func(m T, more bool) T
}

// NewSpill makes a never-blocking edge whose channel holds capacity
// messages (at least one) before spilling. merge may be nil; mark may not.
func NewSpill[T any](capacity int, merge func(last *T, next T) bool, mark func(m T, more bool) T) *Spill[T] {
	s := MakeSpill(capacity, merge, mark)
	return &s
}

// MakeSpill is NewSpill for a Spill held by value inside another struct,
// which saves an allocation on hot paths (one Spill per stream). It must
// not be copied once in use.
func MakeSpill[T any](capacity int, merge func(last *T, next T) bool, mark func(m T, more bool) T) Spill[T] {
	// A message must be able to take the last slot, so there is one.
	return Spill[T]{ch: make(chan T, max(capacity, 1)), merge: merge, mark: mark}
}

// Offer delivers msg without waiting: straight into the channel when it has
// room and nothing is spilled, otherwise into the spill.
func (s *Spill[T]) Offer(msg T) {
	if len(s.spilled) == 0 && s.put(msg, false) {
		return
	}
	if n := len(s.spilled); n > 0 && s.merge != nil && s.merge(&s.spilled[n-1], msg) {
		return
	}
	s.spilled = append(s.spilled, msg)
}

// Flush moves as much of the spill into the channel as fits; the message
// that takes the last slot is flagged if more stays behind it.
func (s *Spill[T]) Flush() {
	for len(s.spilled) > 0 {
		if !s.put(s.spilled[0], len(s.spilled) > 1) {
			return
		}
		var zero T
		s.spilled[0] = zero
		s.spilled = s.spilled[1:]
	}
	s.spilled = nil
}

// put sends m if the channel has room, through mark when m takes the last
// free slot. It never blocks: only this sender adds to the channel, and a
// receiver taking meanwhile only makes room (then m was flagged without
// need, which costs one Flush that moves nothing).
func (s *Spill[T]) put(m T, more bool) bool {
	switch cap(s.ch) - len(s.ch) {
	case 0:
		return false
	case 1:
		m = s.mark(m, more) // by value: a pointer to m would move it to the heap
	}
	s.ch <- m
	return true
}

// Spilled is how many messages wait in the spill.
func (s *Spill[T]) Spilled() int { return len(s.spilled) }

// Receive is the channel the receiver reads.
func (s *Spill[T]) Receive() <-chan T { return s.ch }

// Len is how many messages wait in the channel (not counting the spill);
// safe to read from any goroutine.
func (s *Spill[T]) Len() int { return len(s.ch) }

// TakeSpilled returns what is spilled and empties the spill. It belongs to
// the sender, or to the receiver once the sender has ended (the end being
// observed through a channel, which orders the two).
func (s *Spill[T]) TakeSpilled() []T {
	rest := s.spilled
	s.spilled = nil
	return rest
}
