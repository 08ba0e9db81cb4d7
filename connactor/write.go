package connactor

import (
	"errors"

	"github.com/actorpc/actorpc/internal/bufpool"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ErrStreamClosed is what a Write gets when its stream can no longer send:
// it ended, or the peer reset it.
var ErrStreamClosed = errors.New("stream closed for sending")

// Write is everything a stream asks the writer to put on the wire for it,
// in this order: headers, data, trailers, reset. One Write carries a whole
// unary response, so that a call costs one hop to the writer.
type Write struct {
	StreamID uint32
	// sent is how much of Data the writer has written; Data itself is
	// kept whole, so that a Pooled buffer goes back from its start.
	sent uint32
	// Header is sent as HEADERS unless the stream already sent its headers,
	// in which case it is dropped: the writer alone knows what went out.
	Header []hpack.HeaderField
	// Data is sent as DATA frames, within the peer's flow-control windows
	// and split at its max frame size. The writer owns it until Done.
	Data []byte
	// Trailer is sent as the last HEADERS, with END_STREAM. When no headers
	// went out before and there is no Data, Header and Trailer go in one
	// frame, a trailers-only response, unless SeparateHeader is set (the
	// headers carry metadata of their own, which must not read as trailers).
	Trailer []hpack.HeaderField
	// Done, if set, receives the outcome once everything is on its way to
	// the socket (or was dropped), and the writer no longer reads Data: a
	// payload lent to writev is finished only after that write returned
	// (sendbuf.go). It must have room for one value: the writer never
	// waits on it.
	Done      chan<- error // from: writer to stream; never: it must have room for one
	ResetCode http2.ErrCode
	// Pooled: Data is a buffer from bufpool (from its start), which the
	// writer puts back once Data is sent or dropped; the sender must not
	// touch it after handing over the Write.
	Pooled         bool
	SeparateHeader bool
	// EndStream half-closes the stream after Data when there is no Trailer.
	EndStream bool
	// Reset sends RST_STREAM with ResetCode after the rest. With
	// IfSending, only when the stream has not ended its sending side: the
	// way to close a stream whose peer finished first.
	Reset     bool
	IfSending bool
	// ends is endsSending as the Write arrived: the writer consumes its
	// parts as they go out, and then can no longer tell.
	ends bool
}

// unsent is what is left of Data to write.
func (w *Write) unsent() []byte { return w.Data[w.sent:] }

// onlyReset reports a Write that carries nothing but RST_STREAM.
func (w *Write) onlyReset() bool {
	return w.Reset && w.Header == nil && w.Data == nil && w.Trailer == nil && !w.EndStream
}

// endsSending reports whether the stream can send nothing more after w.
func (w *Write) endsSending() bool {
	return w.Trailer != nil || w.EndStream || w.Reset
}

// finish reports w done (sent, or dropped with err) and gives its buffer
// back. Every Write the writer takes is finished exactly once.
func (w *Write) finish(err error) {
	if w.Pooled {
		bufpool.Put(w.Data)
		w.Data, w.Pooled = nil, false
	}
	if w.Done != nil {
		select {
		case w.Done <- err:
		default:
		}
	}
}
