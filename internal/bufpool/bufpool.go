// Package bufpool reuses the buffers gRPC messages pass through: the DATA
// payloads the reader reads, a received message reassembled from them, a
// message marshalled to be sent. A fresh buffer costs as much as the copy
// into it (the runtime zeroes it, the collector takes it back), so these
// buffers are reused: the owner of a buffer Gets it, and Puts it back once
// nothing refers to it (the message was decoded, or the writer sent it),
// for the next message of any stream or connection.
//
// Free buffers wait in channel free lists, one per size class, shared by
// the whole process: an idle connection holds none, and a busy one reuses
// what the others gave back. Every list is bounded, so that when traffic
// stops only a bounded amount stays allocated; what does not fit is left to
// the collector. (A sync.Pool would hand idle buffers back to the
// collector, but they do not survive two collections, and a server busy
// with large messages collects every few of them: it missed half the
// time.)
//
// The classes come in two tiers:
//   - small, powers of two from 1 KiB to 16 KiB (a full DATA frame of the
//     default size), each list holding at most smallListBytes;
//   - large, a quarter of an octave apart from 20 KiB to 4 MiB (the
//     default receive limit), so a buffer is never more than 25% larger
//     than its message; the large lists together hold at most largeBudget,
//     which a buffer spends as it goes into a list and earns back as it
//     leaves.
//
// Below 512 bytes a buffer costs little next to the message's other work,
// and a class would be more than twice the size asked for (a peer that
// sends tiny frames could make a buffer stand for a few bytes of the window
// it was let in by): such sizes are not pooled.
package bufpool

import "math/bits"

const (
	smallShift     = 10 // log2 of the smallest class
	smallMax       = 16 << 10
	numSmall       = 5 // 1, 2, 4, 8 and 16 KiB
	smallListBytes = 1 << 20

	largeMax      = 4 << 20
	largeMaxShift = 22 // log2(largeMax)
	// The large classes from 20 KiB: four per octave of (2^e, 2^(e+1)],
	// e from 14 (16 KiB) to 21.
	classesPerOctave = 4
	numLarge         = (largeMaxShift - 14) * classesPerOctave
	perLarge         = 16 // free buffers a large class keeps at most

	// largeBudget bounds the bytes the large lists hold together; it is
	// spent in units of unit.
	largeBudget = 16 << 20
	unit        = 16 << 10
)

var (
	small [numSmall]chan []byte
	large [numLarge]chan []byte
	// budget holds a token for each unit the large lists spend.
	budget = make(chan struct{}, largeBudget/unit)
)

func init() {
	for i := range small {
		small[i] = make(chan []byte, smallListBytes>>(smallShift+i))
	}
	for i := range large {
		large[i] = make(chan []byte, perLarge)
	}
}

// smallClass returns the small class that holds n bytes and its size, or
// -1 when n is not in the small tier.
func smallClass(n int) (class, size int) {
	if n <= 1<<(smallShift-1) || n > smallMax {
		return -1, 0
	}
	class = max(0, bits.Len(uint(n-1))-smallShift)
	return class, 1 << (smallShift + class)
}

// largeClass returns the large class that holds n bytes and its size, or
// -1 when n is not in the large tier.
func largeClass(n int) (class, size int) {
	if n <= smallMax || n > largeMax {
		return -1, 0
	}
	// n-1 lies in [2^e, 2^(e+1)), an octave of four classes 2^(e-2) apart.
	e := bits.Len(uint(n-1)) - 1
	q := (n - 1 - 1<<e) >> (e - 2)
	return (e-14)*classesPerOctave + q, 1<<e + (q+1)<<(e-2)
}

// units is what a large buffer of size bytes spends of the budget.
func units(size int) int { return (size + unit - 1) / unit }

// Get returns a buffer of at least n bytes (its length is its class
// size): a free one of its class, a new one, or nil when n is not pooled
// (the caller allocates its own).
func Get(n int) []byte {
	if class, size := smallClass(n); class >= 0 {
		select {
		case b := <-small[class]:
			return b
		default:
			return make([]byte, size)
		}
	}
	class, size := largeClass(n)
	if class < 0 {
		return nil
	}
	select {
	case b := <-large[class]:
		earn(units(size))
		return b
	default:
		return make([]byte, size)
	}
}

// Pooled reports whether b is of a class size, so that Put would keep it:
// whether giving it back is worth the bookkeeping.
func Pooled(b []byte) bool {
	size := cap(b)
	if _, s := smallClass(size); s == size && size > 0 {
		return true
	}
	_, s := largeClass(size)
	return s == size && size > 0
}

// Put gives back a buffer Get returned, once nothing refers to it; any
// length of it may be passed, as long as it starts where the buffer
// starts. Any buffer the caller owns may be passed: one that is not of a
// class size is left to the collector, as is one that finds its list full
// (or, large, the budget spent).
func Put(b []byte) {
	size := cap(b)
	if class, s := smallClass(size); class >= 0 {
		if s != size {
			return
		}
		poison(b[:size])
		select {
		case small[class] <- b[:size]:
		default:
		}
		return
	}
	class, s := largeClass(size)
	if class < 0 || s != size {
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
	case large[class] <- b[:size]:
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
