package connactor

import "io"

// sendBuf buffers the socket for the writer, as a bufio.Writer would, so
// that frames which go out together leave in one write; but it holds a
// large buffer only while the traffic needs one (see iobuf.go). What fits
// in the small buffer waits there; when more is written before a Flush,
// the large buffer is borrowed, and the Flush gives it back: the writer
// flushes when it has nothing more to do. It belongs to the writer.
type sendBuf struct {
	dst   io.Writer
	small [ioSmall]byte
	large []byte // borrowed, or nil
	buf   []byte // what waits to be written, in small or large
	err   error  // a write failed: every later one fails with it

	// taken counts the bytes given to the buffer, out those dst accepted,
	// partial writes included. After a failure, a frame that ends beyond
	// out never reached the kernel whole, so the peer cannot have acted
	// on it (see writer.unsentOpens).
	taken, out int64
}

func newSendBuf(dst io.Writer) *sendBuf {
	s := &sendBuf{dst: dst}
	s.buf = s.small[:0]
	return s
}

// Buffered is how many bytes wait to be written.
func (s *sendBuf) Buffered() int { return len(s.buf) }

// Write buffers p, writing to dst whenever the large buffer fills. A p at
// least as large as the large buffer, with nothing buffered, goes straight
// to dst.
func (s *sendBuf) Write(p []byte) (int, error) {
	written := 0
	if s.err == nil {
		s.taken += int64(len(p))
	}
	for len(p) > 0 && s.err == nil {
		if len(s.buf) == 0 && len(p) >= ioLarge {
			n, err := s.dst.Write(p)
			s.out += int64(n)
			s.err = err
			return written + n, err
		}
		if len(p) > cap(s.buf)-len(s.buf) && s.large == nil {
			s.large = borrowIOBuf()
			s.buf = append(s.large[:0], s.buf...)
		}
		n := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf = s.buf[:len(s.buf)+n]
		p = p[n:]
		written += n
		if len(p) > 0 {
			s.writeOut()
		}
	}
	return written, s.err
}

// WriteString is Write for a string.
func (s *sendBuf) WriteString(str string) (int, error) { return s.Write([]byte(str)) }

// Flush writes what waits and gives the large buffer back.
func (s *sendBuf) Flush() error {
	s.writeOut()
	if s.large != nil {
		returnIOBuf(s.large)
		s.large = nil
		s.buf = s.small[:0]
	}
	return s.err
}

// writeOut writes the buffered bytes to dst.
func (s *sendBuf) writeOut() {
	if len(s.buf) == 0 || s.err != nil {
		return
	}
	var n int
	n, s.err = s.dst.Write(s.buf)
	s.out += int64(n)
	s.buf = s.buf[:0]
}
