package streamactor

import (
	"bytes"
	"testing"

	"github.com/actorpc/actorpc/rpc/status"
)

// FuzzReassembler feeds data to a reassembler in chunks whose sizes come
// from cuts. It must never panic, never deliver more payload than it was
// given, and cut the same messages (and fail the same way) whatever the
// chunking.
func FuzzReassembler(f *testing.F) {
	f.Add([]byte{}, []byte{}, uint16(16))
	f.Add(AppendMessage(nil, []byte("hello"), false), []byte{1}, uint16(100))
	f.Add(AppendMessage(AppendMessage(nil, []byte("a"), true), nil, false), []byte{3, 0, 2}, uint16(100))
	f.Add(AppendMessage(nil, bytes.Repeat([]byte{'x'}, 300), false), []byte{5, 200, 7}, uint16(300))
	f.Add(AppendMessage(nil, bytes.Repeat([]byte{'x'}, 300), false), []byte{2}, uint16(299))
	f.Add([]byte{2, 0, 0, 0, 1, 'x'}, []byte{2}, uint16(10))
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3}, []byte{}, uint16(0xffff))
	f.Add([]byte{0, 0, 0, 0, 3, 'a', 'b'}, []byte{1, 1, 1}, uint16(3))
	f.Add(append(AppendMessage(nil, []byte("ok"), false), 1, 0, 0), []byte{4}, uint16(8))

	f.Fuzz(func(t *testing.T, data, cuts []byte, maxSize uint16) {
		// Reference: everything in one chunk.
		whole := reassembler{maxSize: int(maxSize)}
		want, _, wantSt := whole.feed(data, nil)

		got, st := feedChunked(data, cuts, reassembler{maxSize: int(maxSize)})
		checkChunked(t, data, maxSize, got, st, want, wantSt)

		// The receivers' own setting: messages that need a buffer get a
		// pooled one, which the owner releases.
		pooled, pst := feedChunked(data, cuts, reassembler{maxSize: int(maxSize), pool: true})
		checkChunked(t, data, maxSize, pooled, pst, want, wantSt)
		for i := range pooled {
			pooled[i].Release()
		}
	})
}

// feedChunked feeds data to r in chunks whose sizes come from cuts (the
// rest in one chunk), each a copy of its own, until r fails. A chunk that
// feed says no message points into is scribbled over, as the receiver
// recycles it: a message that did point into it would then differ.
func feedChunked(data, cuts []byte, r reassembler) ([]Message, *status.Status) {
	var got []Message
	var st *status.Status
	rest := data
	for i := 0; len(rest) > 0 && st == nil; i++ {
		n := len(rest)
		if i < len(cuts) {
			n = min(int(cuts[i]), n)
		}
		chunk := bytes.Clone(rest[:n])
		var aliased bool
		got, aliased, st = r.feed(chunk, got)
		if !aliased {
			for i := range chunk {
				chunk[i] = 0xA5
			}
		}
		rest = rest[n:]
	}
	return got, st
}

// checkChunked compares what a chunked feed gave with the one-chunk feed.
func checkChunked(t *testing.T, data []byte, maxSize uint16, got []Message, st *status.Status, want []Message, wantSt *status.Status) {
	t.Helper()
	total := 0
	for _, m := range got {
		if len(m.Payload) > int(maxSize) {
			t.Fatalf("delivered a %d-byte message over max %d", len(m.Payload), maxSize)
		}
		total += prefixLen + len(m.Payload)
	}
	if total > len(data) {
		t.Fatalf("delivered %d bytes (prefixes included) from %d input bytes", total, len(data))
	}

	if (st == nil) != (wantSt == nil) || st.Code() != wantSt.Code() {
		t.Fatalf("chunked status %v, one chunk %v", st, wantSt)
	}
	if len(got) != len(want) {
		t.Fatalf("chunked gave %d messages, one chunk %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i].Payload, want[i].Payload) || got[i].Compressed != want[i].Compressed {
			t.Fatalf("message %d differs by chunking", i)
		}
	}
}
