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

// mergeData folds a DATA event into a spilled DATA event, so that what the
// spill holds is bounded by the bytes the stream window let in, not by how
// many frames carried them.
func mergeData(last *Event, next Event) bool {
	if last.Kind != EventData || next.Kind != EventData || last.EndStream {
		return false
	}
	last.Data = append(last.Data, next.Data...)
	last.EndStream = next.EndStream
	return true
}
