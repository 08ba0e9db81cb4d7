package retry

import (
	"net"
	"sync"
	"testing"
)

// rawListener is the accept loop of the raw HTTP/2 servers of these
// tests: it serves each connection on a goroutine of its own (serve gets
// the connection's number, from 0) until the test ends, when it closes the
// listener and every connection and waits for those goroutines.
type rawListener struct {
	lis   net.Listener
	serve func(c net.Conn, n int)

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup
}

func startRawListener(t *testing.T, serve func(c net.Conn, n int)) *rawListener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &rawListener{lis: lis, serve: serve, conns: make(map[net.Conn]bool)}
	l.wg.Add(1)
	go l.accept()
	t.Cleanup(l.close)
	return l
}

func (l *rawListener) addr() string { return l.lis.Addr().String() }

func (l *rawListener) close() {
	l.lis.Close()
	l.mu.Lock()
	l.closed = true
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

func (l *rawListener) accept() {
	defer l.wg.Done()
	for n := 0; ; n++ {
		c, err := l.lis.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			c.Close()
			return
		}
		l.conns[c] = true
		l.mu.Unlock()
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer c.Close()
			l.serve(c, n)
		}()
	}
}
