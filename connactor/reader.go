package connactor

import (
	"errors"
	"fmt"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// inFrame is a frame the reader copied out of the framer (or, for DATA,
// read into a buffer of its own), so that it stays valid after the next
// ReadFrame (the framer reuses its buffers).
//
// Batches of them go to the connection actor, so the fields are ordered to
// leave no padding.
type inFrame struct {
	typ       http2.FrameType
	flags     http2.Flags
	truncated bool // fields was cut short
	streamID  uint32
	length    uint32        // the payload length, padding included (flow control counts it)
	code      http2.ErrCode // RST_STREAM, GOAWAY

	fields   []hpack.HeaderField // HEADERS (+CONTINUATION), decoded
	data     []byte              // DATA, padding stripped; a chunk when large (see RecycleData)
	settings []http2.Setting     // SETTINGS
	ping     [8]byte
	lastID   uint32 // GOAWAY
	incr     uint32 // WINDOW_UPDATE
	dep      uint32 // HEADERS with priority, PRIORITY: the stream depended on
	debug    []byte // GOAWAY

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
	br   *readBuf         // what fr reads from: tells whether a whole frame waits
	out  chan<- []inFrame // from: reader to connection; blocks (back-pressure on the socket)
	quit <-chan struct{}  // from: connection to reader; never (closed at shutdown)
}

// maxBatch bounds a batch, so that a flood is handed over in pieces and
// back-pressure still applies.
const maxBatch = 16

// freeBatches holds the batches the connection actor is done with, for the
// next batch of any connection's reader: shared and bounded like the
// chunks (see chunks.go), so that a batch costs no allocation and an idle
// connection keeps none.
var freeBatches = make(chan []inFrame, 64) // from: connection; never (given back without waiting)

func newBatch() []inFrame {
	select {
	case b := <-freeBatches:
		return b
	default:
		return make([]inFrame, 0, maxBatch)
	}
}

// recycleBatch gives a handled batch back, cleared so that it keeps no
// frame's buffers alive.
func recycleBatch(b []inFrame) {
	clear(b)
	select {
	case freeBatches <- b[:0]:
	default:
	}
}

func (r *reader) run() {
	for {
		// The reader idles here, in the socket's Read under the smallest
		// frames (the framer's and readBatch's are large): a goroutine
		// parked on a shallow stack keeps a small stack (the runtime halves
		// a stack at GC while it uses under a quarter of it).
		r.br.awaitBytes()
		if !r.readBatch() {
			return
		}
	}
}

// readBatch reads the frames that are here, at least one, and hands them
// to the connection actor; false when the reader ends. The batch is taken
// once its first frame is here, so that a reader waiting on an idle
// connection holds none.
//
//go:noinline
func (r *reader) readBatch() bool {
	f := r.read()
	batch := append(newBatch(), f)
	for f.err == nil && len(batch) < maxBatch && r.frameBuffered() {
		f = r.read()
		batch = append(batch, f)
	}
	select {
	case r.out <- batch: // the connection actor's now, until it recycles it
	case <-r.quit:
		return false
	}
	return f.err == nil
}

// frameBuffered reports whether a whole frame waits in the read buffer, so
// reading it cannot block.
func (r *reader) frameBuffered() bool {
	const headerLen = 9
	if r.br.Buffered() < headerLen {
		return false
	}
	h := r.br.peek(headerLen)
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
	fh, err := r.fr.ReadFrameHeader()
	if err == nil {
		var f inFrame
		if fh.Type == http2.FrameData {
			f, err = r.readData(fh)
		} else {
			var frame http2.Frame
			if frame, err = r.fr.ReadFrameForHeader(fh); err == nil {
				f = copyFrame(frame)
			}
		}
		if err == nil {
			return f
		}
	}
	var se http2.StreamError
	if errors.As(err, &se) {
		return inFrame{streamID: se.StreamID, streamErr: &se}
	}
	return inFrame{err: readError(r.fr, err)}
}

// readData reads the payload of a DATA frame whose header the framer has
// read (and checked: its size, its place after a header block) straight
// into a buffer of its own (see newPayload), which is what goes to the
// stream. Through the framer, every byte received would first be copied
// into the framer's buffer, then out of it.
func (r *reader) readData(fh http2.FrameHeader) (inFrame, error) {
	if fh.StreamID == 0 {
		return inFrame{}, protocolError{code: http2.ErrCodeProtocol, msg: "DATA frame with stream ID 0"}
	}
	n, pad := int(fh.Length), 0
	if fh.Flags.Has(http2.FlagDataPadded) {
		if n == 0 {
			return inFrame{}, protocolError{code: http2.ErrCodeFrameSize, msg: "padded DATA frame without a pad length"}
		}
		p, err := r.br.readByte()
		if err != nil {
			return inFrame{}, err
		}
		n, pad = n-1, int(p)
		if pad > n {
			// RFC 9113 6.1: padding as long as the payload or longer.
			return inFrame{}, protocolError{code: http2.ErrCodeProtocol, msg: "DATA padding larger than its payload"}
		}
		n -= pad
	}
	f := inFrame{typ: http2.FrameData, streamID: fh.StreamID, flags: fh.Flags, length: fh.Length}
	if n > 0 {
		f.data = newPayload(n)
		if err := r.br.readPayload(f.data); err != nil {
			return inFrame{}, err
		}
	}
	if pad > 0 {
		if err := r.br.discard(pad); err != nil {
			return inFrame{}, err
		}
	}
	return f, nil
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
	case *http2.MetaHeadersFrame:
		f.fields = fr.Fields
		f.truncated = fr.Truncated
		f.typ = http2.FrameHeaders
		f.flags = fr.HeadersFrame.Flags
		if fr.HeadersFrame.HasPriority() {
			f.dep = fr.HeadersFrame.Priority.StreamDep
		}
	case *http2.PriorityFrame:
		f.dep = fr.PriorityParam.StreamDep
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
