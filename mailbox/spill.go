package mailbox

// Spill is the sending end of a never-blocking edge. It is owned by the
// sending actor: Offer and Flush must only be called from that actor's
// goroutine. The receiver reads Receive() and, when Wake fires, asks the
// sender (by a message of its own) to Flush.
//
// While anything is spilled, later messages spill behind it, so order is
// kept. merge, when set, may fold a message into the last spilled one (the
// connection folds consecutive DATA into one buffer), which keeps the spill
// as small as the bytes it holds rather than the frames that carried them.
type Spill[T any] struct {
	ch      chan T
	wake    chan struct{}
	spilled []T
	merge   func(last *T, next T) bool
}

// NewSpill makes a never-blocking edge whose channel holds capacity
// messages before spilling. merge may be nil.
func NewSpill[T any](capacity int, merge func(last *T, next T) bool) *Spill[T] {
	s := MakeSpill(capacity, merge)
	return &s
}

// MakeSpill is NewSpill for a Spill held by value inside another struct,
// which saves an allocation on hot paths (one Spill per stream). It must
// not be copied once in use.
func MakeSpill[T any](capacity int, merge func(last *T, next T) bool) Spill[T] {
	return Spill[T]{ch: make(chan T, capacity), wake: make(chan struct{}, 1), merge: merge}
}

// Offer delivers msg without waiting: straight into the channel when it has
// room and nothing is spilled, otherwise into the spill, and the receiver is
// woken to ask for a Flush.
func (s *Spill[T]) Offer(msg T) {
	if len(s.spilled) == 0 {
		select {
		case s.ch <- msg:
			return
		default:
		}
	}
	if n := len(s.spilled); n > 0 && s.merge != nil && s.merge(&s.spilled[n-1], msg) {
		s.signal()
		return
	}
	s.spilled = append(s.spilled, msg)
	s.signal()
}

// Flush moves as much of the spill into the channel as fits, and wakes the
// receiver again if some is left.
func (s *Spill[T]) Flush() {
	for len(s.spilled) > 0 {
		select {
		case s.ch <- s.spilled[0]:
			var zero T
			s.spilled[0] = zero
			s.spilled = s.spilled[1:]
		default:
			s.signal()
			return
		}
	}
	s.spilled = nil
}

// Spilled is how many messages wait in the spill.
func (s *Spill[T]) Spilled() int { return len(s.spilled) }

// Receive is the channel the receiver reads.
func (s *Spill[T]) Receive() <-chan T { return s.ch }

// Wake fires when the sender holds spilled messages; the receiver should
// drain Receive() and then ask the sender to Flush.
func (s *Spill[T]) Wake() <-chan struct{} { return s.wake }

// Len is how many messages wait in the channel (not counting the spill);
// safe to read from any goroutine.
func (s *Spill[T]) Len() int { return len(s.ch) }

func (s *Spill[T]) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// TakeSpilled returns what is spilled and empties the spill. It belongs to
// the sender, or to the receiver once the sender has ended (the end being
// observed through a channel, which orders the two).
func (s *Spill[T]) TakeSpilled() []T {
	rest := s.spilled
	s.spilled = nil
	return rest
}
