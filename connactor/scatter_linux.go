//go:build linux

package connactor

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// scatterConn reads a socket into two buffers with one readv: a DATA
// payload's buffer first, then the read buffer for what follows it.
type scatterConn struct{ rc syscall.RawConn }

// newScatter returns src's scatter reader, or nil when src is not a
// socket of the standard library (a TLS connection decrypts into its own
// buffer first anyway).
func newScatter(src io.Reader) scatterer {
	var rc syscall.RawConn
	var err error
	switch c := src.(type) {
	case *net.TCPConn:
		rc, err = c.SyscallConn()
	case *net.UnixConn:
		rc, err = c.SyscallConn()
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	return scatterConn{rc}
}

// readv reads into a, then b, once, waiting (in the runtime's poller)
// while nothing has arrived.
func (s scatterConn) readv(a, b []byte) (int, error) {
	var iov [2]syscall.Iovec
	iov[0].Base, iov[1].Base = &a[0], &b[0]
	iov[0].SetLen(len(a))
	iov[1].SetLen(len(b))
	var n uintptr
	var errno syscall.Errno
	err := s.rc.Read(func(fd uintptr) bool {
		for {
			n, _, errno = syscall.Syscall(syscall.SYS_READV, fd, uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
			if errno != syscall.EINTR {
				return errno != syscall.EAGAIN // EAGAIN: wait until readable
			}
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, os.NewSyscallError("readv", errno)
	case n == 0:
		return 0, io.EOF
	}
	return int(n), nil
}
