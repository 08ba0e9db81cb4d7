package mailbox

// Bounded is a mailbox of fixed capacity whose sender waits while it is
// full. The zero value is not usable; make one with NewBounded.
type Bounded[T any] struct {
	ch chan T
}

// NewBounded makes a mailbox that holds up to capacity messages.
func NewBounded[T any](capacity int) Bounded[T] {
	return Bounded[T]{ch: make(chan T, capacity)}
}

// Send delivers msg, waiting while the mailbox is full. It gives up and
// reports false when abort is closed first (the receiver has ended).
func (m Bounded[T]) Send(msg T, abort <-chan struct{}) bool {
	select {
	case m.ch <- msg:
		return true
	case <-abort:
		return false
	}
}

// Receive is the channel the owner reads in its select loop.
func (m Bounded[T]) Receive() <-chan T { return m.ch }

// Len is how many messages wait; safe to read from any goroutine.
func (m Bounded[T]) Len() int { return len(m.ch) }

// Cap is the capacity the mailbox was made with.
func (m Bounded[T]) Cap() int { return cap(m.ch) }
