// Package bufpool reuses the large buffers gRPC messages pass through: a
// received message reassembled from DATA frames, a message marshalled to be
// sent. For a large message a fresh buffer costs as much as the copy into
// it (the runtime zeroes it, the collector takes it back), so these buffers
// are reused: the owner of a buffer Gets it, and Puts it back once nothing
// refers to it (the message was decoded, or the writer sent it), for the
// next message of any stream.
package bufpool

import "math/bits"

//
// Free buffers wait in channel free lists, one per size class. What the
// lists hold together is bounded by a budget (poolBudget) that a buffer
// spends as it goes into a list and earns back as it leaves, so a burst of
// large messages leaves at most the budget allocated, whatever sizes it
// used. (A sync.Pool would hand idle buffers back to the collector, but
// they do not survive two collections, and a server busy with large
// messages collects every few of them: it missed half the time.)

const (
	// minPooled is the smallest pooled buffer: below it a fresh buffer
	// costs little next to the message's other work.
	minPooled      = 16 << 10
	minPooledShift = 14 // log2(minPooled)
	// maxPooled is the largest pooled buffer: the default receive limit.
	maxPooled      = 4 << 20
	maxPooledShift = 22 // log2(maxPooled)

	// The classes are a quarter of an octave apart, so a buffer is never
	// more than 25% larger than its message: 16 KiB, 20 KiB, 24 KiB,
	// 28 KiB, 32 KiB, 40 KiB, ... 4 MiB.
	classesPerOctave = 4
	numClasses       = 1 + (maxPooledShift-minPooledShift)*classesPerOctave
	// perClass is how many free buffers a class keeps at most.
	perClass = 16

	// poolBudget bounds the bytes all free lists hold together; it is
	// spent in units of minPooled.
	poolBudget = 16 << 20
)

var (
	freeMsgBufs [numClasses]chan []byte
	// budget holds a token for each unit the free lists spend.
	budget = make(chan struct{}, poolBudget/minPooled)
)

func init() {
	for i := range freeMsgBufs {
		freeMsgBufs[i] = make(chan []byte, perClass)
	}
}

// sizeClass returns the class of the smallest pooled buffer that holds n
// bytes and its size, or -1 when n is not pooled.
func sizeClass(n int) (class, size int) {
	if n <= minPooled/2 || n > maxPooled {
		return -1, 0
	}
	if n <= minPooled {
		return 0, minPooled
	}
	// n-1 lies in [2^e, 2^(e+1)), an octave of four classes 2^(e-2) apart.
	e := bits.Len(uint(n-1)) - 1
	q := (n - 1 - 1<<e) >> (e - 2)
	return (e-minPooledShift)*classesPerOctave + q + 1, 1<<e + (q+1)<<(e-2)
}

// units is what a buffer of size bytes spends of the budget.
func units(size int) int { return (size + minPooled - 1) / minPooled }

// Get returns a buffer of at least n bytes (its length is its class
// size): a free one of its class, a new one, or nil when n is not pooled
// (the caller allocates its own).
func Get(n int) []byte {
	class, size := sizeClass(n)
	if class < 0 {
		return nil
	}
	select {
	case b := <-freeMsgBufs[class]:
		earn(units(size))
		return b
	default:
		return make([]byte, size)
	}
}

// Pooled reports whether b is of a class size, so that Put would keep it:
// whether giving it back is worth the bookkeeping.
func Pooled(b []byte) bool {
	class, size := sizeClass(cap(b))
	return class >= 0 && size == cap(b)
}

// Put gives back a buffer Get returned, once nothing refers to it. Any
// buffer the caller owns may be passed: one that is not of a class size is
// left to the collector, as is one that finds its list full or the budget
// spent.
func Put(b []byte) {
	class, size := sizeClass(cap(b))
	if class < 0 || size != cap(b) {
		return
	}
	u := units(size)
	for i := range u {
		select {
		case budget <- struct{}{}:
		default:
			earn(i)
			return
		}
	}
	poison(b[:size])
	select {
	case freeMsgBufs[class] <- b[:size]:
	default:
		earn(u)
	}
}

// earn gives back n units of the budget. The tokens are there: they were
// spent by the buffer that earns them, and only earning takes tokens.
func earn(n int) {
	for range n {
		<-budget
	}
}
