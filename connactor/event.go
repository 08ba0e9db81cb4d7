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
	// EventData: DATA arrived. Data belongs to the stream from now on;
	// give it back with RecycleData once nothing refers to it.
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
// owned by the receiver: nothing points into the framer's buffers. (The
// fields are ordered to leave no padding: every stream's channel holds
// several.)
type Event struct {
	Kind      EventKind
	EndStream bool
	Truncated bool // Fields: the header list was over our limit and was cut short
	// Flush: the event took the last free slot of the stream's channel,
	// so what the connection has for the stream after it may wait in the
	// connection's spill: call Stream.Flush once it is taken. (It is how
	// a stream learns of a spill without a wake channel of its own.)
	Flush  bool
	Fields []hpack.HeaderField
	Data   []byte
	Err    error
	Code   http2.ErrCode
	// Unprocessed: see EventClosed. Local: this side reset the stream
	// (Err says why), not the peer.
	Unprocessed, Local bool
}

// markFlush flags an event that takes the last free slot of a stream's
// channel (mailbox.Spill). An event that ends the peer's side is left
// unflagged when nothing is spilled behind it: the stream reads no more
// after it (a reset still cancels a server stream's context, and the
// connection's end is seen on ConnDone, where TakeOver hands over the
// rest), so a unary response's trailers cost no Flush.
func markFlush(ev Event, more bool) Event {
	ev.Flush = more || !ev.EndStream
	return ev
}

// mergeBelow is the size from which spilled DATA is not merged.
const mergeBelow = minChunk

// mergeData folds a small DATA event into the spilled DATA event before
// it, so that a flood of tiny frames costs spill entries by the chunk,
// not by the frame: what the spill holds stays bounded by the bytes the
// stream window let in. Frames of mergeBelow bytes or more are left as
// they are (an entry costs a tenth of such a frame at most), so the
// messages they carry are not copied here, and each can still be decoded
// straight from its own buffer.
func mergeData(last *Event, next Event) bool {
	if last.Kind != EventData || next.Kind != EventData || last.EndStream {
		return false
	}
	if len(next.Data) >= mergeBelow || len(last.Data)+len(next.Data) > chunkSize {
		return false
	}
	if cap(last.Data)-len(last.Data) < len(next.Data) {
		// Fold into a whole chunk: one buffer per chunk, not one per
		// doubling.
		merged := append(newPayload(chunkSize)[:0], last.Data...)
		RecycleData(last.Data)
		last.Data = merged
	}
	last.Data = append(last.Data, next.Data...)
	RecycleData(next.Data)
	last.EndStream = next.EndStream
	return true
}
