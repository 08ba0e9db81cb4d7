package mailbox

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// item is a test message: v its value, end a message after which the
// receiver reads no more, flush the flag mark sets.
type item struct {
	v          int
	end, flush bool
}

// markItem flags an item in the last slot unless it ends the edge and
// nothing is spilled behind it (the connection's rule for a stream).
func markItem(m item, more bool) item {
	m.flush = more || !m.end
	return m
}

func newItems(capacity int, merge func(last *item, next item) bool) *Spill[item] {
	return NewSpill(capacity, merge, markItem)
}

func offer(s *Spill[item], vs ...int) {
	for _, v := range vs {
		s.Offer(item{v: v})
	}
}

// drain takes everything waiting in the channel without blocking.
func drain(s *Spill[item]) []item {
	var out []item
	for {
		select {
		case v := <-s.Receive():
			out = append(out, v)
		default:
			return out
		}
	}
}

func values(items []item) []int {
	var vs []int
	for _, it := range items {
		vs = append(vs, it.v)
	}
	return vs
}

// receive drains like a receiver: it flushes after every flagged item,
// until nothing is left anywhere.
func receiveAll(s *Spill[item]) []int {
	var got []int
	for s.Len() > 0 || s.Spilled() > 0 {
		for _, it := range drain(s) {
			got = append(got, it.v)
			if it.flush {
				s.Flush()
			}
		}
	}
	return got
}

func TestSpillOfferFitsInChannel(t *testing.T) {
	s := newItems(3, nil)
	offer(s, 1, 2)
	require.Equal(t, 2, s.Len())
	require.Equal(t, 0, s.Spilled())
	got := drain(s)
	require.Equal(t, []int{1, 2}, values(got))
	require.False(t, got[0].flush || got[1].flush, "items below the last slot are not flagged")
}

func TestSpillLastSlotIsFlagged(t *testing.T) {
	s := newItems(2, nil)
	offer(s, 1, 2)
	got := drain(s)
	require.False(t, got[0].flush)
	require.True(t, got[1].flush, "the item in the last slot says more may follow")
}

func TestSpillLastSlotEndIsNotFlagged(t *testing.T) {
	s := newItems(2, nil)
	offer(s, 1)
	s.Offer(item{v: 2, end: true})
	got := drain(s)
	require.False(t, got[1].flush, "nothing is read after the end: no Flush needed")
}

func TestSpillOfferNeverBlocksWhenFull(t *testing.T) {
	s := newItems(1, nil)
	// Offer runs on the test goroutine: if it blocked, the test would hang
	// (and be caught by the test timeout), never return.
	for i := range 1000 {
		offer(s, i)
	}
	require.Equal(t, 1, s.Len())
	require.Equal(t, 999, s.Spilled())
	require.True(t, drain(s)[0].flush, "the item ahead of a spill is flagged")
}

func TestSpillZeroCapacityHasOneSlot(t *testing.T) {
	s := newItems(0, nil)
	offer(s, 1, 2)
	require.Equal(t, 1, s.Len())
	require.Equal(t, []item{{v: 2}}, s.TakeSpilled())
}

func TestSpillFlushFlagsWhenNotAllFits(t *testing.T) {
	s := newItems(2, nil)
	offer(s, 0, 1, 2, 3, 4, 5)
	require.Equal(t, 4, s.Spilled())

	s.Flush() // channel still full: moves nothing
	require.Equal(t, 4, s.Spilled())

	require.Equal(t, []int{0, 1}, values(drain(s)))
	s.Flush() // moves 2, 3; 4, 5 remain
	require.Equal(t, 2, s.Spilled())
	got := drain(s)
	require.Equal(t, []int{2, 3}, values(got))
	require.True(t, got[1].flush, "more stays behind 3")

	s.Flush() // everything fits; 5 takes the last slot with nothing behind
	require.Equal(t, 0, s.Spilled())
	got = drain(s)
	require.Equal(t, []int{4, 5}, values(got))
	require.True(t, got[1].flush, "5 does not end the edge: later offers may spill")
}

func TestSpillOrderAcrossSpillAndFlush(t *testing.T) {
	s := newItems(2, nil)
	var got []int
	next := 0
	// Interleave offers, receives and flushes; order must be kept throughout.
	for round := range 20 {
		for range round%5 + 1 {
			offer(s, next)
			next++
		}
		if round%3 == 0 {
			got = append(got, values(drain(s))...)
			s.Flush()
		}
		if round%4 == 1 {
			// Receive one without flushing: later offers must still queue
			// behind the spill, not overtake it into the free slot.
			select {
			case v := <-s.Receive():
				got = append(got, v.v)
			default:
			}
		}
	}
	got = append(got, receiveAll(s)...)
	want := make([]int, next)
	for i := range want {
		want[i] = i
	}
	require.Equal(t, want, got)
}

func TestSpillLaterOfferDoesNotOvertakeSpill(t *testing.T) {
	s := newItems(1, nil)
	offer(s, 1, 2) // channel, spill
	require.Equal(t, 1, (<-s.Receive()).v)
	// The channel has room now, but 2 is spilled: 3 must go behind it.
	offer(s, 3)
	require.Equal(t, 0, s.Len(), "an offer must not overtake spilled messages")
	require.Equal(t, 2, s.Spilled())
	s.Flush()
	require.Equal(t, []int{2}, values(drain(s)))
	s.Flush()
	require.Equal(t, []int{3}, values(drain(s)))
	require.Equal(t, 0, s.Spilled())
}

func TestSpillMergeFoldsConsecutive(t *testing.T) {
	calls := 0
	sum := func(last *item, next item) bool {
		calls++
		last.v += next.v
		return true
	}
	s := newItems(1, sum)
	offer(s, 1) // channel
	require.Equal(t, 0, calls, "merge is not consulted while nothing is spilled")
	offer(s, 2) // spill
	require.Equal(t, 0, calls, "the first spilled item has nothing to merge into")
	offer(s, 3, 4)
	require.Equal(t, 2, calls)
	require.Equal(t, 1, s.Spilled(), "consecutive items fold into one")
	require.Equal(t, []int{1, 2 + 3 + 4}, receiveAll(s))
}

func TestSpillMergeRefusedAppends(t *testing.T) {
	never := func(*item, item) bool { return false }
	s := newItems(1, never)
	offer(s, 1, 2, 3)
	require.Equal(t, 2, s.Spilled())
	require.Equal(t, []int{1, 2, 3}, receiveAll(s))
}

func TestSpillFlushEmptyIsNoop(t *testing.T) {
	s := newItems(1, nil)
	s.Flush()
	require.Equal(t, 0, s.Len())
	// After a complete flush, offers go straight to the channel again.
	offer(s, 1, 2)
	require.Equal(t, []int{1}, values(drain(s)))
	s.Flush()
	require.Equal(t, []int{2}, values(drain(s)))
	offer(s, 3)
	require.Equal(t, 0, s.Spilled())
	require.Equal(t, 1, s.Len())
}

func TestSpillTakeSpilled(t *testing.T) {
	s := newItems(1, nil)
	require.Empty(t, s.TakeSpilled())
	offer(s, 1, 2, 3)
	require.Equal(t, []int{2, 3}, values(s.TakeSpilled()))
	require.Equal(t, 0, s.Spilled())
	require.Empty(t, s.TakeSpilled(), "TakeSpilled empties the spill")
	require.Equal(t, []int{1}, values(drain(s)), "TakeSpilled leaves the channel alone")
	// With the spill empty, the next offer goes to the channel.
	offer(s, 4)
	require.Equal(t, 1, s.Len())
}

func TestSpillReceiverOnOtherGoroutine(t *testing.T) {
	// The protocol of the edge: the sender offers and flushes on its own
	// goroutine; the receiver takes, and asks for a flush after a flagged
	// item.
	const n = 10000
	s := newItems(4, nil)
	flushReq := make(chan struct{}, 1)
	done := make(chan []int)
	go func() {
		var got []int
		for len(got) < n {
			it := <-s.Receive()
			got = append(got, it.v)
			if it.flush {
				select {
				case flushReq <- struct{}{}:
				default:
				}
			}
		}
		done <- got
	}()
	var got []int
	for i := 0; got == nil; {
		if i < n {
			offer(s, i)
			i++
			select {
			case <-flushReq:
				s.Flush()
			default:
			}
			continue
		}
		// Nothing more to offer: serve flush requests until the receiver
		// has everything.
		select {
		case <-flushReq:
			s.Flush()
		case got = <-done:
		}
	}
	require.Len(t, got, n)
	for i, v := range got {
		require.Equal(t, i, v)
	}
}
