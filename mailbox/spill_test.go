package mailbox

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// drain takes everything waiting in the channel without blocking.
func drain[T any](s *Spill[T]) []T {
	var out []T
	for {
		select {
		case v := <-s.Receive():
			out = append(out, v)
		default:
			return out
		}
	}
}

func woken[T any](s *Spill[T]) bool {
	select {
	case <-s.Wake():
		return true
	default:
		return false
	}
}

func TestSpillOfferFitsInChannel(t *testing.T) {
	s := NewSpill[int](2, nil)
	s.Offer(1)
	s.Offer(2)
	require.Equal(t, 2, s.Len())
	require.Equal(t, 0, s.Spilled())
	require.False(t, woken(s), "nothing spilled, so no wake")
	require.Equal(t, []int{1, 2}, drain(s))
}

func TestSpillOfferNeverBlocksWhenFull(t *testing.T) {
	s := NewSpill[int](1, nil)
	// Offer runs on the test goroutine: if it blocked, the test would hang
	// (and be caught by the test timeout), never return.
	for i := range 1000 {
		s.Offer(i)
	}
	require.Equal(t, 1, s.Len())
	require.Equal(t, 999, s.Spilled())
	require.True(t, woken(s), "spilling must wake the receiver")
	require.False(t, woken(s), "wake holds one token, not one per message")
}

func TestSpillZeroCapacity(t *testing.T) {
	s := NewSpill[int](0, nil)
	s.Offer(1)
	require.Equal(t, 1, s.Spilled())
	require.True(t, woken(s))
	got := s.TakeSpilled()
	require.Equal(t, []int{1}, got)
}

func TestSpillOrderAcrossSpillAndFlush(t *testing.T) {
	s := NewSpill[int](2, nil)
	var got []int
	next := 0
	// Interleave offers, receives and flushes; order must be kept throughout.
	for round := range 20 {
		for range round%5 + 1 {
			s.Offer(next)
			next++
		}
		if round%3 == 0 {
			got = append(got, drain(s)...)
			s.Flush()
		}
		if round%4 == 1 {
			// Receive one without flushing: later offers must still queue
			// behind the spill, not overtake it into the free slot.
			select {
			case v := <-s.Receive():
				got = append(got, v)
			default:
			}
		}
	}
	for s.Len() > 0 || s.Spilled() > 0 {
		got = append(got, drain(s)...)
		s.Flush()
	}
	want := make([]int, next)
	for i := range want {
		want[i] = i
	}
	require.Equal(t, want, got)
}

func TestSpillLaterOfferDoesNotOvertakeSpill(t *testing.T) {
	s := NewSpill[int](1, nil)
	s.Offer(1) // channel
	s.Offer(2) // spill
	require.Equal(t, 1, <-s.Receive())
	// The channel has room now, but 2 is spilled: 3 must go behind it.
	s.Offer(3)
	require.Equal(t, 0, s.Len(), "an offer must not overtake spilled messages")
	require.Equal(t, 2, s.Spilled())
	s.Flush()
	require.Equal(t, []int{2}, drain(s))
	s.Flush()
	require.Equal(t, []int{3}, drain(s))
	require.Equal(t, 0, s.Spilled())
}

func TestSpillMergeFoldsConsecutive(t *testing.T) {
	calls := 0
	sum := func(last *int, next int) bool {
		calls++
		*last += next
		return true
	}
	s := NewSpill(1, sum)
	s.Offer(1) // channel
	require.Equal(t, 0, calls, "merge is not consulted while nothing is spilled")
	s.Offer(2) // spill
	require.Equal(t, 0, calls, "the first spilled item has nothing to merge into")
	s.Offer(3)
	s.Offer(4)
	require.Equal(t, 2, calls)
	require.Equal(t, 1, s.Spilled(), "consecutive items fold into one")
	require.True(t, woken(s))

	require.Equal(t, []int{1}, drain(s))
	s.Flush()
	require.Equal(t, 0, s.Spilled())
	require.Equal(t, []int{2 + 3 + 4}, drain(s))
}

func TestSpillMergeBytes(t *testing.T) {
	// The connection's use: consecutive DATA folds into one buffer; a
	// non-data item (nil here) is never merged, nor merged into.
	merge := func(last *[]byte, next []byte) bool {
		if *last == nil || next == nil {
			return false
		}
		*last = append(*last, next...)
		return true
	}
	s := NewSpill(1, merge)
	s.Offer([]byte("a"))  // channel
	s.Offer([]byte("bc")) // spill
	s.Offer([]byte("de")) // merged
	s.Offer(nil)          // not merged
	s.Offer([]byte("f"))  // not merged into nil
	s.Offer([]byte("g"))  // merged into "f"
	require.Equal(t, 3, s.Spilled())

	var got [][]byte
	for s.Len() > 0 || s.Spilled() > 0 {
		got = append(got, drain(s)...)
		s.Flush()
	}
	require.Equal(t, [][]byte{[]byte("a"), []byte("bcde"), nil, []byte("fg")}, got)
}

func TestSpillMergeRefusedAppends(t *testing.T) {
	never := func(*int, int) bool { return false }
	s := NewSpill(0, never)
	s.Offer(1)
	s.Offer(2)
	s.Offer(3)
	require.Equal(t, 3, s.Spilled())
	require.Equal(t, []int{1, 2, 3}, s.TakeSpilled())
}

func TestSpillFlushResignalsWhenNotAllFits(t *testing.T) {
	s := NewSpill[int](2, nil)
	for i := range 6 {
		s.Offer(i)
	}
	require.True(t, woken(s))
	require.Equal(t, 4, s.Spilled())

	// Channel still full: Flush moves nothing but must wake again.
	s.Flush()
	require.Equal(t, 4, s.Spilled())
	require.True(t, woken(s), "Flush must re-signal while something is left")

	require.Equal(t, []int{0, 1}, drain(s))
	s.Flush() // moves 2, 3; 4, 5 remain
	require.Equal(t, 2, s.Spilled())
	require.Equal(t, 2, s.Len())
	require.True(t, woken(s), "Flush must re-signal while something is left")

	require.Equal(t, []int{2, 3}, drain(s))
	s.Flush() // everything fits
	require.Equal(t, 0, s.Spilled())
	require.False(t, woken(s), "no wake once the spill is empty")
	require.Equal(t, []int{4, 5}, drain(s))
}

func TestSpillFlushEmptyIsNoop(t *testing.T) {
	s := NewSpill[int](1, nil)
	s.Flush()
	require.False(t, woken(s))
	require.Equal(t, 0, s.Len())
	// After a complete flush, offers go straight to the channel again.
	s.Offer(1)
	s.Offer(2)
	require.Equal(t, []int{1}, drain(s))
	s.Flush()
	require.Equal(t, []int{2}, drain(s))
	s.Offer(3)
	require.Equal(t, 0, s.Spilled())
	require.Equal(t, 1, s.Len())
}

func TestSpillTakeSpilled(t *testing.T) {
	s := NewSpill[string](1, nil)
	require.Empty(t, s.TakeSpilled())
	s.Offer("a")
	s.Offer("b")
	s.Offer("c")
	require.Equal(t, []string{"b", "c"}, s.TakeSpilled())
	require.Equal(t, 0, s.Spilled())
	require.Empty(t, s.TakeSpilled(), "TakeSpilled empties the spill")
	require.Equal(t, []string{"a"}, drain(s), "TakeSpilled leaves the channel alone")
	// With the spill empty, the next offer goes to the channel.
	s.Offer("d")
	require.Equal(t, 1, s.Len())
}

func TestSpillReceiverOnOtherGoroutine(t *testing.T) {
	// The protocol of the edge: the sender offers and flushes on its own
	// goroutine; the receiver drains and asks for a flush when woken.
	const n = 10000
	s := NewSpill[int](4, nil)
	flushReq := make(chan struct{}, 1)
	done := make(chan []int)
	go func() {
		var got []int
		for len(got) < n {
			select {
			case v := <-s.Receive():
				got = append(got, v)
			case <-s.Wake():
				got = append(got, drain(s)...)
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
			s.Offer(i)
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
