package connactor

import (
	"io"
	"net"
)

// sendBuf buffers the socket for the writer, as a bufio.Writer would, so
// that frames which go out together leave in one write; but it holds a
// large buffer only while the traffic needs one (see iobuf.go). What fits
// in the small buffer waits there; when more is written before a Flush,
// the large buffer is borrowed, and the Flush gives it back: the writer
// flushes when it has nothing more to do. It belongs to the writer.
//
// On a plain TCP or unix socket it also lends: a large DATA payload
// (lend) is not copied into the buffer but written from where it lies,
// with the bytes buffered around it, in one writev (net.Buffers). Until
// that write returns, the payload's owner must leave it alone (lending).
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

	// vectored: dst writes net.Buffers with one writev, so lend may lend.
	vectored bool
	// vecs is what waits, in order, while payloads are lent: slices of
	// buf (up to mark) and lent payloads. buf is append-only meanwhile,
	// since vecs point into it; buf[mark:] waits behind the last of vecs.
	vecs net.Buffers
	mark int
	lent int // bytes of lent payloads in vecs
}

const (
	// lendMin is the smallest payload worth lending: below it, copying
	// costs less than what the kernel pays for one more iovec.
	lendMin = 8 << 10
	// lendMax is how many lent bytes wait before they are written, so
	// the peer starts reading a large message while the rest is framed.
	lendMax = 256 << 10
)

func newSendBuf(dst io.Writer) *sendBuf {
	s := &sendBuf{dst: dst, vectored: writesVectors(dst)}
	s.buf = s.small[:0]
	return s
}

// writesVectors reports whether net.Buffers.WriteTo writes to w with one
// writev: only the standard library's sockets do (a TLS connection writes
// each buffer as records of its own, and copies them anyway).
func writesVectors(w io.Writer) bool {
	switch w.(type) {
	case *net.TCPConn, *net.UnixConn:
		return true
	}
	return false
}

// Buffered is how many bytes wait to be written, lent ones included.
func (s *sendBuf) Buffered() int { return len(s.buf) + s.lent }

// lending reports payloads lent and not yet written: their owners must
// not touch them yet.
func (s *sendBuf) lending() bool { return s.lent > 0 }

// Write buffers p, writing to dst whenever the large buffer fills. A p at
// least as large as the large buffer, with nothing waiting, goes straight
// to dst.
func (s *sendBuf) Write(p []byte) (int, error) {
	written := 0
	if s.err == nil {
		s.taken += int64(len(p))
	}
	for len(p) > 0 && s.err == nil {
		if len(s.buf) == 0 && len(s.vecs) == 0 && len(p) >= ioLarge {
			n, err := s.dst.Write(p)
			s.out += int64(n)
			s.err = err
			return written + n, err
		}
		if len(p) > cap(s.buf)-len(s.buf) && s.large == nil {
			// vecs keep pointing into the small buffer, whose bytes stay
			// as they are until the write: the copy has them at the
			// same offsets, so mark holds.
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

// lend queues p to be written from where it lies, after what is
// buffered; p must stay untouched while lending reports true. A small
// p, or one for a socket that cannot take vectors, is copied (Write).
func (s *sendBuf) lend(p []byte) error {
	if !s.vectored || len(p) < lendMin {
		_, err := s.Write(p)
		return err
	}
	if s.err != nil {
		return s.err
	}
	s.taken += int64(len(p))
	if s.mark < len(s.buf) {
		s.vecs = append(s.vecs, s.buf[s.mark:len(s.buf):len(s.buf)])
		s.mark = len(s.buf)
	}
	s.vecs = append(s.vecs, p)
	s.lent += len(p)
	if s.lent >= lendMax {
		s.writeOut()
	}
	return s.err
}

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

// writeOut writes what waits to dst: the buffer, or the vectors with
// the buffer's tail, in one writev. Lent payloads are free again after
// it, whether or not the write failed (a failed writer writes no more).
func (s *sendBuf) writeOut() {
	if s.err != nil {
		s.dropVecs()
		return
	}
	if len(s.vecs) == 0 {
		if len(s.buf) == 0 {
			return
		}
		var n int
		n, s.err = s.dst.Write(s.buf)
		s.out += int64(n)
		s.buf = s.buf[:0]
		return
	}
	if s.mark < len(s.buf) {
		s.vecs = append(s.vecs, s.buf[s.mark:])
	}
	v := s.vecs // WriteTo consumes its receiver: keep vecs' array for reuse
	n, err := v.WriteTo(s.dst)
	s.out += n
	s.err = err
	s.dropVecs()
}

// dropVecs forgets the vectors and the buffered bytes they cover, and
// what was lent.
func (s *sendBuf) dropVecs() {
	clear(s.vecs)
	s.vecs = s.vecs[:0]
	s.mark, s.lent = 0, 0
	s.buf = s.buf[:0]
}
