package connactor

import "io"

// readBuf buffers the socket for the reader, as a bufio.Reader would, but
// holds a large buffer only while the traffic needs one (see iobuf.go). A
// read from the socket that fills what it was given means more is
// waiting, so the next read gets the large buffer; any other read may have
// drained the socket, and the next one could wait on an idle connection for
// as long as it stays idle, so it gets the small buffer and the large one
// goes back. It belongs to the reader goroutine (and, before it starts, to
// the handshake).
type readBuf struct {
	src   io.Reader
	small [ioSmall]byte
	large []byte // borrowed, or nil
	buf   []byte // small[:] or large
	r, w  int    // buf[r:w] has been read from src and not yet consumed
	full  bool   // the last read from src filled what it was given
	err   error  // the last read's error, reported once buf is drained
	// sc, when src is a plain socket (Linux), reads a DATA payload
	// straight into its own buffer, and what follows it into buf, with
	// one readv (readPayload).
	sc scatterer
}

// scatterer reads into a, then b, with one read of the socket.
type scatterer interface {
	readv(a, b []byte) (int, error)
}

func newReadBuf(src io.Reader) *readBuf {
	b := &readBuf{src: src, sc: newScatter(src)}
	b.buf = b.small[:]
	return b
}

// Buffered is how many bytes can be consumed without reading src.
func (b *readBuf) Buffered() int { return b.w - b.r }

// peek returns the next n bytes, which must be buffered, without
// consuming them.
func (b *readBuf) peek(n int) []byte { return b.buf[b.r : b.r+n] }

// Read consumes buffered bytes, or reads src once when there are none.
func (b *readBuf) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.r == b.w {
		if err := b.err; err != nil {
			b.err = nil
			return 0, err
		}
		b.choose()
		if len(p) >= len(b.buf) {
			// At least a buffer's worth: straight into p, with no copy.
			n, err := b.src.Read(p)
			b.full = n == len(p)
			return n, err
		}
		n, err := b.src.Read(b.buf)
		b.r, b.w, b.full = 0, n, n == len(b.buf)
		if n == 0 {
			return 0, err
		}
		b.err = err
	}
	n := copy(p, b.buf[b.r:b.w])
	b.r += n
	return n, nil
}

// awaitBytes reads src once when nothing is buffered (nor an error
// waits): the reader waits for the next frame here, on a shallow stack,
// and the framer then finds its bytes buffered.
//
//go:noinline
func (b *readBuf) awaitBytes() {
	if b.r != b.w || b.err != nil {
		return
	}
	b.choose()
	n, err := b.src.Read(b.buf)
	b.r, b.w, b.full = 0, n, n == len(b.buf)
	b.err = err
}

// choose picks the buffer for the next read from src, buf being empty.
func (b *readBuf) choose() {
	switch {
	case b.full && b.large == nil:
		b.large = borrowIOBuf()
		b.buf = b.large
	case !b.full && b.large != nil:
		returnIOBuf(b.large)
		b.large = nil
		b.buf = b.small[:]
	}
}

// readPayload fills p, a DATA payload: first from what is buffered,
// then, on a plain socket, from the socket straight into p, the bytes
// that follow it (the next frames) going into buf in the same readv. So
// a large payload is copied once, by the kernel, instead of into buf
// and out of it again, for no more reads.
func (b *readBuf) readPayload(p []byte) error {
	if b.sc == nil || len(p) <= b.Buffered() {
		_, err := io.ReadFull(b, p)
		return err
	}
	n := copy(p, b.buf[b.r:b.w])
	b.r += n
	p = p[n:]
	for len(p) > 0 {
		if err := b.err; err != nil {
			b.err = nil
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		b.choose()
		n, err := b.sc.readv(p, b.buf)
		if n > len(p) {
			b.r, b.w, b.full = 0, n-len(p), n == len(p)+len(b.buf)
			p = nil
		} else {
			p, b.full = p[n:], false
		}
		b.err = err
	}
	return nil
}

// readByte consumes one byte.
func (b *readBuf) readByte() (byte, error) {
	var one [1]byte
	_, err := io.ReadFull(b, one[:])
	return one[0], err
}

// discard consumes n bytes, at most 255 (a DATA frame's padding).
func (b *readBuf) discard(n int) error {
	var pad [255]byte
	_, err := io.ReadFull(b, pad[:n])
	return err
}
