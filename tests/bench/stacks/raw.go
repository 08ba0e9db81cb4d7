package stacks

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// The floor: what the machine does with no RPC stack at all, a plain
// loopback TCP connection carrying length-prefixed messages (a 4-byte
// big-endian length, then the payload). A connection starts with a mode
// byte: 'P' for ping-pong (the server echoes each message once it has all
// of it, store and forward like a unary call), 'S' and a 4-byte size for a
// stream (the server writes messages of that size until the client goes).

// RawServer is a running raw TCP echo server.
type RawServer struct {
	Addr  string
	lis   net.Listener
	conns chan net.Conn
	done  chan struct{}
}

// ServeRaw starts a raw server on a loopback listener.
func ServeRaw() (*RawServer, error) {
	lis, err := listen()
	if err != nil {
		return nil, err
	}
	s := &RawServer{Addr: lis.Addr().String(), lis: lis, conns: make(chan net.Conn, 1024), done: make(chan struct{})}
	go s.accept()
	return s, nil
}

func (s *RawServer) accept() {
	defer close(s.done)
	var handlers []chan struct{}
	var open []net.Conn
	defer func() {
		for _, c := range open {
			c.Close()
		}
		for _, h := range handlers {
			<-h
		}
	}()
	for {
		c, err := s.lis.Accept()
		if err != nil {
			return
		}
		open = append(open, c)
		h := make(chan struct{})
		handlers = append(handlers, h)
		go func() {
			defer close(h)
			defer c.Close()
			serveRawConn(c)
		}()
	}
}

// Stop closes the listener and every connection and waits for their
// goroutines.
func (s *RawServer) Stop() {
	s.lis.Close()
	<-s.done
}

func serveRawConn(c net.Conn) {
	br := bufio.NewReaderSize(c, 32<<10)
	mode, err := br.ReadByte()
	if err != nil {
		return
	}
	switch mode {
	case 'P':
		var buf []byte
		for {
			buf, err = readRawMessage(br, buf[:0], true)
			if err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	case 'S':
		var sz [4]byte
		if _, err := io.ReadFull(br, sz[:]); err != nil {
			return
		}
		msg := AppendRawMessage(nil, make([]byte, binary.BigEndian.Uint32(sz[:])))
		bw := bufio.NewWriterSize(c, 32<<10)
		for {
			if _, err := bw.Write(msg); err != nil {
				return
			}
		}
	}
}

// AppendRawMessage appends payload with its length prefix.
func AppendRawMessage(dst, payload []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

// readRawMessage reads one message into buf; withPrefix keeps its prefix.
func readRawMessage(br *bufio.Reader, buf []byte, withPrefix bool) ([]byte, error) {
	var p [4]byte
	if _, err := io.ReadFull(br, p[:]); err != nil {
		return buf, err
	}
	n := int(binary.BigEndian.Uint32(p[:]))
	if n > 64<<20 {
		return buf, errors.New("raw message too large")
	}
	if withPrefix {
		buf = append(buf, p[:]...)
	}
	start := len(buf)
	buf = append(buf, make([]byte, n)...) // grows buf without a temporary
	_, err := io.ReadFull(br, buf[start:])
	return buf, err
}

// RawConn is the client side of one raw connection.
type RawConn struct {
	c   net.Conn
	br  *bufio.Reader
	buf []byte
}

// DialRawPingPong opens a ping-pong connection.
func DialRawPingPong(addr string) (*RawConn, error) {
	return dialRaw(addr, []byte{'P'})
}

// DialRawStream opens a stream of messages of size bytes.
func DialRawStream(addr string, size int) (*RawConn, error) {
	return dialRaw(addr, binary.BigEndian.AppendUint32([]byte{'S'}, uint32(size)))
}

func dialRaw(addr string, hello []byte) (*RawConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(hello); err != nil {
		c.Close()
		return nil, err
	}
	return &RawConn{c: c, br: bufio.NewReaderSize(c, 32<<10)}, nil
}

// PingPong sends msg (already prefixed, see AppendRawMessage) and reads the
// echo; it returns the payload length read.
func (r *RawConn) PingPong(msg []byte) (int, error) {
	if _, err := r.c.Write(msg); err != nil {
		return 0, err
	}
	return r.Recv()
}

// Recv reads one message and returns its payload length.
func (r *RawConn) Recv() (int, error) {
	var err error
	r.buf, err = readRawMessage(r.br, r.buf[:0], false)
	if err != nil {
		return 0, err
	}
	return len(r.buf), nil
}

// Close closes the connection.
func (r *RawConn) Close() error {
	if err := r.c.Close(); err != nil {
		return fmt.Errorf("closing raw connection: %w", err)
	}
	return nil
}
