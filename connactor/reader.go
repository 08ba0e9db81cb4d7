package connactor

import (
	"bufio"
	"errors"
	"fmt"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// inFrame is a frame the reader copied out of the framer, so that it stays
// valid after the next ReadFrame (the framer reuses its buffers).
type inFrame struct {
	typ      http2.FrameType
	streamID uint32
	flags    http2.Flags
	length   uint32 // the payload length, padding included (flow control counts it)

	data      []byte              // DATA
	fields    []hpack.HeaderField // HEADERS (+CONTINUATION), decoded
	truncated bool
	settings  []http2.Setting // SETTINGS
	ping      [8]byte
	code      http2.ErrCode // RST_STREAM, GOAWAY
	lastID    uint32        // GOAWAY
	debug     []byte        // GOAWAY
	incr      uint32        // WINDOW_UPDATE

	streamErr *http2.StreamError // the framer found a stream error: reset that stream, carry on
	err       error              // the read failed: the connection is over
}

// reader is the goroutine that blocks in ReadFrame. It owns the read half
// of the framer and the HPACK decoder, copies each frame into an inFrame
// and sends them down to the connection actor, waiting while the actor is
// busy: that wait is the back-pressure that stops us reading from a peer
// faster than we can process.
//
// Frames that arrived together (whole in the read buffer) go down as one
// batch, so a response's HEADERS, DATA and trailers cost one hop, not three.
type reader struct {
	fr   *http2.Framer
	br   *bufio.Reader // what fr reads from: tells whether a whole frame waits
	out  chan<- []inFrame
	quit <-chan struct{}
}

// maxBatch bounds a batch, so that a flood is handed over in pieces and
// back-pressure still applies.
const maxBatch = 16

func (r *reader) run() {
	for {
		batch := make([]inFrame, 0, 4)
		for {
			f := r.read()
			batch = append(batch, f)
			if f.err != nil || len(batch) == maxBatch || !r.frameBuffered() {
				break
			}
		}
		select {
		case r.out <- batch:
		case <-r.quit:
			return
		}
		if batch[len(batch)-1].err != nil {
			return
		}
	}
}

// frameBuffered reports whether a whole frame waits in the read buffer, so
// reading it cannot block.
func (r *reader) frameBuffered() bool {
	const headerLen = 9
	if r.br.Buffered() < headerLen {
		return false
	}
	h, err := r.br.Peek(headerLen)
	if err != nil {
		return false
	}
	length := int(h[0])<<16 | int(h[1])<<8 | int(h[2])
	typ, flags := http2.FrameType(h[3]), http2.Flags(h[4])
	if (typ == http2.FrameHeaders || typ == http2.FramePushPromise) && !flags.Has(http2.FlagHeadersEndHeaders) {
		// ReadFrame reads on through the CONTINUATION frames, which may
		// not be here yet: hand over what we have first.
		return false
	}
	return r.br.Buffered() >= headerLen+length
}

func (r *reader) read() inFrame {
	frame, err := r.fr.ReadFrame()
	if err != nil {
		var se http2.StreamError
		if errors.As(err, &se) {
			return inFrame{streamID: se.StreamID, streamErr: &se}
		}
		return inFrame{err: readError(r.fr, err)}
	}
	return copyFrame(frame)
}

// readError keeps the framer's detail on a connection error, which is what
// the GOAWAY we answer with should tell the peer.
func readError(fr *http2.Framer, err error) error {
	if errors.Is(err, http2.ErrFrameTooLarge) {
		return protocolError{code: http2.ErrCodeFrameSize, msg: "frame larger than our SETTINGS_MAX_FRAME_SIZE"}
	}
	var ce http2.ConnectionError
	if errors.As(err, &ce) {
		if detail := fr.ErrorDetail(); detail != nil {
			return protocolError{code: http2.ErrCode(ce), msg: detail.Error()}
		}
		return protocolError{code: http2.ErrCode(ce), msg: fmt.Sprintf("connection error %v reading a frame", http2.ErrCode(ce))}
	}
	return err
}

func copyFrame(frame http2.Frame) inFrame {
	h := frame.Header()
	f := inFrame{typ: h.Type, streamID: h.StreamID, flags: h.Flags, length: h.Length}
	switch fr := frame.(type) {
	case *http2.DataFrame:
		if d := fr.Data(); len(d) > 0 {
			f.data = append(make([]byte, 0, len(d)), d...)
		}
	case *http2.MetaHeadersFrame:
		f.fields = fr.Fields
		f.truncated = fr.Truncated
		f.typ = http2.FrameHeaders
		f.flags = fr.HeadersFrame.Flags
	case *http2.SettingsFrame:
		f.settings = make([]http2.Setting, 0, fr.NumSettings())
		fr.ForeachSetting(func(s http2.Setting) error {
			f.settings = append(f.settings, s)
			return nil
		})
	case *http2.PingFrame:
		f.ping = fr.Data
	case *http2.RSTStreamFrame:
		f.code = fr.ErrCode
	case *http2.GoAwayFrame:
		f.code = fr.ErrCode
		f.lastID = fr.LastStreamID
		f.debug = append([]byte(nil), fr.DebugData()...)
	case *http2.WindowUpdateFrame:
		f.incr = fr.Increment
	}
	return f
}

// protocolError is a connection error we answer with GOAWAY(code).
type protocolError struct {
	code http2.ErrCode
	msg  string
}

func (e protocolError) Error() string { return fmt.Sprintf("http2 %v: %s", e.code, e.msg) }
