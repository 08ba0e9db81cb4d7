package connactor

import (
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// EventKind says what happened to a stream.
type EventKind uint8

const (
	// EventHeaders: a HEADERS block arrived (request or response headers,
	// or trailers when EndStream is set).
	EventHeaders EventKind = iota
	// EventData: DATA arrived. Data belongs to the stream from now on.
	EventData
	// EventReset: the stream was reset, by the peer or by the connection
	// on a stream error it found (Code says which).
	EventReset
	// EventClosed: the connection ended (Err says why). Unprocessed is set
	// when the peer said, by GOAWAY or REFUSED_STREAM, that it never
	// processed the stream, so a retry is safe.
	EventClosed
)

// Event is one thing the connection tells a stream. Everything in it is
// owned by the receiver: nothing points into the framer's buffers.
type Event struct {
	Kind        EventKind
	Fields      []hpack.HeaderField
	Truncated   bool // the header list was over our limit and was cut short
	Data        []byte
	EndStream   bool
	Code        http2.ErrCode
	Err         error
	Unprocessed bool
	// Local: this side reset the stream (Err says why), not the peer.
	Local bool
}

// mergeChunk is the size up to which spilled DATA is folded together.
const mergeChunk = 16 << 10

// mergeData folds a small DATA event into the spilled DATA event before
// it, so that a flood of tiny frames costs spill entries by the 16 KiB,
// not by the frame: what the spill holds stays bounded by the bytes the
// stream window let in. Full-size frames are left as they are, so large
// messages are never copied here.
func mergeData(last *Event, next Event) bool {
	if last.Kind != EventData || next.Kind != EventData || last.EndStream {
		return false
	}
	if len(last.Data)+len(next.Data) > mergeChunk {
		return false
	}
	if cap(last.Data)-len(last.Data) < len(next.Data) {
		// Start the chunk at its full size: one allocation per chunk, not
		// one per doubling.
		last.Data = append(make([]byte, 0, mergeChunk), last.Data...)
	}
	last.Data = append(last.Data, next.Data...)
	last.EndStream = next.EndStream
	return true
}
