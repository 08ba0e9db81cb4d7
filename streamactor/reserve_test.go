package streamactor

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeBudget answers reservations and records them.
type fakeBudget struct {
	room  bool
	asked []int
}

func (b *fakeBudget) Reserve(n int) bool {
	b.asked = append(b.asked, n)
	return b.room
}

// feedInChunks feeds a message of size bytes in 16 KiB chunks and reports
// the capacities the message's buffer went through.
func feedInChunks(t *testing.T, r *reassembler, size int) []int {
	payload := bytes.Repeat([]byte{7}, size)
	data := AppendMessage(nil, payload, false)
	var caps []int
	var out []Message
	for len(data) > 0 {
		n := min(16<<10, len(data))
		o, _, stat := r.feed(data[:n], out)
		require.Nil(t, stat)
		out = o
		data = data[n:]
		if r.msg != nil && (len(caps) == 0 || caps[len(caps)-1] != cap(r.msg)) {
			caps = append(caps, cap(r.msg))
		}
	}
	require.Len(t, out, 1)
	require.Equal(t, payload, out[0].Payload)
	return caps
}

func TestReassemblerReservedClaimAllocatesOnce(t *testing.T) {
	b := &fakeBudget{room: true}
	r := reassembler{maxSize: 4 << 20, budget: b}
	caps := feedInChunks(t, &r, 1<<20)
	require.Equal(t, []int{1 << 20}, caps, "one buffer, sized from the claim")
	require.Equal(t, []int{1<<20 - (16<<10 - prefixLen)}, b.asked, "what the first chunk did not bring")
}

func TestReassemblerRefusedClaimGrows(t *testing.T) {
	b := &fakeBudget{room: false}
	r := reassembler{maxSize: 4 << 20, budget: b}
	caps := feedInChunks(t, &r, 1<<20)
	require.Greater(t, len(caps), 1, "the buffer doubled as bytes arrived")
	require.Len(t, b.asked, 1)
}

func TestReassemblerSmallClaimAsksNothing(t *testing.T) {
	b := &fakeBudget{room: true}
	r := reassembler{maxSize: 4 << 20, budget: b}
	feedInChunks(t, &r, reserveFrom-1)
	require.Empty(t, b.asked)
}
