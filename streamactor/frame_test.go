package streamactor

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

func TestAppendMessage(t *testing.T) {
	got := AppendMessage(nil, []byte("hello"), false)
	require.Equal(t, []byte{0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}, got)

	got = AppendMessage([]byte("xy"), []byte{0xff}, true)
	require.Equal(t, []byte{'x', 'y', 1, 0, 0, 0, 1, 0xff}, got, "appends after what dst holds")

	got = AppendMessage(nil, nil, false)
	require.Equal(t, []byte{0, 0, 0, 0, 0}, got)

	big := bytes.Repeat([]byte{7}, 70000)
	got = AppendMessage(make([]byte, 0, 3), big, false)
	require.Len(t, got, prefixLen+len(big))
	require.Equal(t, uint32(70000), binary.BigEndian.Uint32(got[1:5]))
	require.Equal(t, big, got[prefixLen:])
}

type wantMsg struct {
	payload    string
	compressed bool
}

func msgsOf(t *testing.T, ms []Message) []wantMsg {
	t.Helper()
	out := make([]wantMsg, 0, len(ms))
	for _, m := range ms {
		out = append(out, wantMsg{string(m.Payload), m.Compressed})
	}
	return out
}

// encode frames msgs back to back.
func encode(msgs ...wantMsg) []byte {
	var b []byte
	for _, m := range msgs {
		b = AppendMessage(b, []byte(m.payload), m.compressed)
	}
	return b
}

var sample = []wantMsg{
	{"hello", false},
	{"", false},
	{"compressed bytes", true},
	{string(bytes.Repeat([]byte("abc"), 100)), false},
	{"x", false},
}

func TestReassemblerOneChunk(t *testing.T) {
	r := reassembler{maxSize: 1 << 20}
	out, _, st := r.feed(AppendMessage(nil, []byte("hello"), false), nil)
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"hello", false}}, msgsOf(t, out))
	require.False(t, r.partial())
}

func TestReassemblerSeveralMessagesInOneChunk(t *testing.T) {
	r := reassembler{maxSize: 1 << 20}
	out, _, st := r.feed(encode(sample...), nil)
	require.Nil(t, st)
	require.Equal(t, sample, msgsOf(t, out))
	require.False(t, r.partial())
}

func TestReassemblerAppendsToOut(t *testing.T) {
	r := reassembler{maxSize: 100}
	prev := []Message{{Payload: []byte("earlier")}}
	out, _, st := r.feed(encode(wantMsg{"a", false}), prev)
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"earlier", false}, {"a", false}}, msgsOf(t, out))
}

func TestReassemblerEmptyFeed(t *testing.T) {
	r := reassembler{maxSize: 100}
	out, _, st := r.feed(nil, nil)
	require.Nil(t, st)
	require.Empty(t, out)
	require.False(t, r.partial())
}

func TestReassemblerByteByByte(t *testing.T) {
	r := reassembler{maxSize: 1 << 20}
	data := encode(sample...)
	var out []Message
	for i := range data {
		o, _, st := r.feed(data[i:i+1], out)
		require.Nil(t, st, "byte %d", i)
		out = o
	}
	require.Equal(t, sample, msgsOf(t, out))
	require.False(t, r.partial())
}

func TestReassemblerPartial(t *testing.T) {
	r := reassembler{maxSize: 100}
	data := encode(wantMsg{"abc", false})
	require.False(t, r.partial())
	out, _, st := r.feed(data[:2], nil) // part of the prefix
	require.Nil(t, st)
	require.Empty(t, out)
	require.True(t, r.partial())
	out, _, st = r.feed(data[2:6], out) // the rest of the prefix and a byte
	require.Nil(t, st)
	require.Empty(t, out)
	require.True(t, r.partial())
	out, _, st = r.feed(data[6:], out)
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"abc", false}}, msgsOf(t, out))
	require.False(t, r.partial())
}

func TestReassemblerPrefixThenPayload(t *testing.T) {
	// A chunk that ends exactly after the prefix.
	r := reassembler{maxSize: 100}
	data := encode(wantMsg{"payload", true})
	out, _, st := r.feed(data[:prefixLen], nil)
	require.Nil(t, st)
	require.Empty(t, out)
	require.True(t, r.partial())
	out, _, st = r.feed(data[prefixLen:], out)
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"payload", true}}, msgsOf(t, out))
}

func TestReassemblerEmptyMessageOnSlowPath(t *testing.T) {
	r := reassembler{maxSize: 100}
	data := encode(wantMsg{"", true}, wantMsg{"z", false})
	out, _, st := r.feed(data[:3], nil)
	require.Nil(t, st)
	out, _, st = r.feed(data[3:5], out) // completes an empty message exactly
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"", true}}, msgsOf(t, out))
	require.False(t, r.partial())
	out, _, st = r.feed(data[5:], out)
	require.Nil(t, st)
	require.Equal(t, []wantMsg{{"", true}, {"z", false}}, msgsOf(t, out))
}

func TestReassemblerSplitAtEveryPoint(t *testing.T) {
	data := encode(sample...)
	for i := 0; i <= len(data); i++ {
		for _, j := range []int{i, i + 1, i + 4, i + 7, len(data)} {
			if j < i || j > len(data) {
				continue
			}
			r := reassembler{maxSize: 1 << 20}
			var out []Message
			for _, chunk := range [][]byte{data[:i], data[i:j], data[j:]} {
				o, _, st := r.feed(chunk, out)
				require.Nil(t, st, "split %d/%d", i, j)
				out = o
			}
			require.Equal(t, sample, msgsOf(t, out), "split %d/%d", i, j)
			require.False(t, r.partial())
		}
	}
}

func TestReassemblerPayloadsAreStable(t *testing.T) {
	// Messages completed from several chunks must not change when the
	// caller reuses its chunk buffers afterwards.
	r := reassembler{maxSize: 100}
	data := encode(wantMsg{"abcdef", false})
	buf := make([]byte, 4)
	var out []Message
	for off := 0; off < len(data); off += len(buf) {
		n := copy(buf, data[off:])
		o, _, st := r.feed(buf[:n], out)
		require.Nil(t, st)
		out = o
		clear(buf)
	}
	require.Equal(t, []wantMsg{{"abcdef", false}}, msgsOf(t, out))
}

func TestReassemblerCompressedFlag(t *testing.T) {
	r := reassembler{maxSize: 100}
	out, _, st := r.feed(encode(wantMsg{"c", true}, wantMsg{"u", false}), nil)
	require.Nil(t, st)
	require.Len(t, out, 2)
	require.True(t, out[0].Compressed)
	require.False(t, out[1].Compressed)
}

func TestReassemblerBadFlag(t *testing.T) {
	data := []byte{2, 0, 0, 0, 1, 'x'}
	// Whole chunk (fast path) and a split prefix (slow path).
	for _, split := range []int{len(data), 1, 3} {
		r := reassembler{maxSize: 100}
		out, _, st := r.feed(data[:split], nil)
		if st == nil {
			out, _, st = r.feed(data[split:], out)
		}
		require.NotNil(t, st, "split %d", split)
		require.Equal(t, codes.Internal, st.Code(), "split %d", split)
		require.Empty(t, out)
	}
	// A bad flag after good messages keeps what came before it.
	r := reassembler{maxSize: 100}
	good := encode(wantMsg{"ok", false})
	out, _, st := r.feed(append(good, 0xff, 0, 0, 0, 0), nil)
	require.NotNil(t, st)
	require.Equal(t, codes.Internal, st.Code())
	require.Equal(t, []wantMsg{{"ok", false}}, msgsOf(t, out))
}

func TestReassemblerTooLargeRefusedFromPrefix(t *testing.T) {
	const maxSize = 16
	prefix := []byte{0, 0, 0, 0, maxSize + 1}
	// Only the prefix arrives: the message is refused before any of its
	// payload is buffered.
	r := reassembler{maxSize: maxSize}
	out, _, st := r.feed(prefix, nil)
	require.NotNil(t, st)
	require.Equal(t, codes.ResourceExhausted, st.Code())
	require.Empty(t, out)
	require.Zero(t, cap(r.msg), "nothing of the message may be buffered")

	// The prefix split across chunks.
	r = reassembler{maxSize: maxSize}
	out, _, st = r.feed(prefix[:2], nil)
	require.Nil(t, st)
	out, _, st = r.feed(prefix[2:], out)
	require.NotNil(t, st)
	require.Equal(t, codes.ResourceExhausted, st.Code())
	require.Empty(t, out)
	require.Zero(t, cap(r.msg), "nothing of the message may be buffered")

	// A huge declared length never allocates.
	r = reassembler{maxSize: maxSize}
	_, _, st = r.feed([]byte{0, 0xff, 0xff, 0xff, 0xff}, nil)
	require.NotNil(t, st)
	require.Equal(t, codes.ResourceExhausted, st.Code())
	require.Zero(t, cap(r.msg))
}

func TestReassemblerExactlyMaxSize(t *testing.T) {
	const maxSize = 16
	payload := string(bytes.Repeat([]byte{'m'}, maxSize))
	for _, split := range []int{0, 3, prefixLen, prefixLen + 2} {
		r := reassembler{maxSize: maxSize}
		data := encode(wantMsg{payload, false})
		out, _, st := r.feed(data[:split], nil)
		require.Nil(t, st)
		out, _, st = r.feed(data[split:], out)
		require.Nil(t, st)
		require.Equal(t, []wantMsg{{payload, false}}, msgsOf(t, out))
	}
}

// A message decoded straight from a DATA payload it fills alone owns that
// payload (Release gives it back); messages sharing a payload own none;
// a message that spans payloads is copied out of them, into a pooled
// buffer when its owner releases messages.
func TestReassemblerBufferOwnership(t *testing.T) {
	r := reassembler{maxSize: 1 << 20}
	one := encode(wantMsg{"alone", false})
	out, aliased, st := r.feed(one, nil)
	require.Nil(t, st)
	require.True(t, aliased)
	require.Len(t, out, 1)
	require.Same(t, &one[0], &out[0].buf[0], "the message owns the payload")

	two := encode(wantMsg{"a", false}, wantMsg{"b", false})
	out, aliased, st = r.feed(two, nil)
	require.Nil(t, st)
	require.True(t, aliased)
	require.Len(t, out, 2)
	require.Nil(t, out[0].buf, "a shared payload is owned by no message")
	require.Nil(t, out[1].buf)

	big := string(bytes.Repeat([]byte("z"), 40<<10))
	for _, pool := range []bool{false, true} {
		r = reassembler{maxSize: 1 << 20, pool: pool}
		data := encode(wantMsg{big, false}, wantMsg{"tail", false})
		split := len(data) / 2
		out, aliased, st = r.feed(data[:split], nil)
		require.Nil(t, st)
		require.False(t, aliased, "copied out: the payload may be recycled")
		require.Empty(t, out)
		out, aliased, st = r.feed(data[split:], nil)
		require.Nil(t, st)
		require.True(t, aliased, "the small message after it points into the payload")
		require.Equal(t, []wantMsg{{big, false}, {"tail", false}}, msgsOf(t, out))
		require.Equal(t, pool, out[0].buf != nil, "a message copied out owns its buffer when pooled")
		require.Nil(t, out[1].buf)
		out[0].Release()
		require.Nil(t, out[0].Payload)
	}
}

// A message's buffer grows with what arrives: a prefix that claims a large
// message gets a small buffer, and the buffer stays within twice what
// arrived (plus reassemblyStart) as it grows, pooled or not.
func TestReassemblerGrowsWithWhatArrives(t *testing.T) {
	big := string(bytes.Repeat([]byte("q"), 1<<20))
	data := encode(wantMsg{big, false})
	for _, pool := range []bool{false, true} {
		r := reassembler{maxSize: 4 << 20, pool: pool}
		out, _, st := r.feed(data[:prefixLen+10], nil)
		require.Nil(t, st)
		require.Empty(t, out)
		require.LessOrEqual(t, cap(r.msg), reassemblyStart, "pool=%v: a claim of 1 MiB with 10 bytes arrived", pool)
		for off := prefixLen + 10; off < len(data); off += 16 << 10 {
			out, _, st = r.feed(data[off:min(off+16<<10, len(data))], out)
			require.Nil(t, st)
			if len(out) == 0 {
				require.LessOrEqual(t, cap(r.msg), 2*len(r.msg)+reassemblyStart, "pool=%v: %d bytes arrived", pool, len(r.msg))
			}
		}
		require.Equal(t, []wantMsg{{big, false}}, msgsOf(t, out), "pool=%v", pool)
		require.Equal(t, pool, out[0].buf != nil, "pool=%v", pool)
		out[0].Release()
	}
}
