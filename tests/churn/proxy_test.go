package churn

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// fault is what the proxy does to one direction of one connection.
type fault struct {
	dropAfter  int64         // close both sides once this many bytes passed (-1: never)
	reset      bool          // the drop is a TCP reset (SO_LINGER 0), not a FIN
	delay      time.Duration // before forwarding each chunk
	splitFirst int           // forward the first this many bytes one byte per write
	stallAfter int64         // stop forwarding once this many bytes passed, until the connection ends (-1: never)
}

var clean = fault{dropAfter: -1, stallAfter: -1}

func (f fault) String() string {
	switch {
	case f.dropAfter >= 0 && f.reset:
		return fmt.Sprintf("reset after %d bytes", f.dropAfter)
	case f.dropAfter >= 0:
		return fmt.Sprintf("close after %d bytes", f.dropAfter)
	case f.stallAfter >= 0:
		return fmt.Sprintf("stall after %d bytes", f.stallAfter)
	case f.delay > 0:
		return fmt.Sprintf("delay %v per chunk", f.delay)
	case f.splitFirst > 0:
		return fmt.Sprintf("first %d bytes one at a time", f.splitFirst)
	}
	return "clean"
}

// faults picks the faults of connection n: every faultEvery-th connection
// gets one, in one direction, chosen by rng, so that a call retried on the
// next connection finds it clean.
type faults struct {
	rng        *rand.Rand
	faultEvery int
}

func (fs *faults) pick(n int) (up, down fault) {
	up, down = clean, clean
	if n%fs.faultEvery != fs.faultEvery-1 {
		return up, down
	}
	f := clean
	switch fs.rng.IntN(5) {
	case 0:
		f.dropAfter = fs.rng.Int64N(20000)
	case 1:
		f.dropAfter, f.reset = fs.rng.Int64N(20000), true
	case 2:
		f.stallAfter = fs.rng.Int64N(20000)
	case 3:
		f.delay = time.Duration(1+fs.rng.IntN(3)) * time.Millisecond
	case 4:
		f.splitFirst = 1 + fs.rng.IntN(4096)
	}
	if fs.rng.IntN(2) == 0 {
		return f, clean
	}
	return clean, f
}

// proxy forwards each connection to backend, with the faults pick gives.
type proxy struct {
	t       *testing.T
	lis     net.Listener
	backend string

	mu     sync.Mutex
	faults *faults
	n      int
	links  map[*link]bool
	log    []string // one line per connection: its faults
	wg     sync.WaitGroup
}

// link is one proxied connection: both sockets, closed together.
type link struct {
	client, server net.Conn
	once           sync.Once
	done           chan struct{}
}

func (l *link) close(reset bool) {
	l.once.Do(func() {
		if reset {
			for _, c := range []net.Conn{l.client, l.server} {
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
			}
		}
		l.client.Close()
		l.server.Close()
		close(l.done)
	})
}

func startProxy(t *testing.T, backend string, fs *faults) *proxy {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, lis: lis, backend: backend, faults: fs, links: make(map[*link]bool)}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) addr() string { return p.lis.Addr().String() }

func (p *proxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *proxy) close() {
	p.lis.Close()
	p.mu.Lock()
	for l := range p.links {
		l.close(false)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.lis.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.backend)
		if err != nil {
			c.Close()
			continue
		}
		l := &link{client: c, server: s, done: make(chan struct{})}
		p.mu.Lock()
		up, down := p.faults.pick(p.n)
		p.log = append(p.log, fmt.Sprintf("conn %d: up %v, down %v", p.n, up, down))
		p.n++
		p.links[l] = true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pump(l, s, c, up)
		go p.pump(l, c, s, down)
	}
}

// pump copies src to dst with fault f, and ends the link when either side
// ends or the fault drops it.
func (p *proxy) pump(l *link, dst, src net.Conn, f fault) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.links, l)
		p.mu.Unlock()
	}()
	var passed int64
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		chunk := buf[:n]
		if f.stallAfter >= 0 && passed+int64(len(chunk)) > f.stallAfter {
			chunk = chunk[:f.stallAfter-passed]
		}
		if f.dropAfter >= 0 && passed+int64(len(chunk)) > f.dropAfter {
			chunk = chunk[:f.dropAfter-passed]
		}
		if f.delay > 0 && len(chunk) > 0 {
			time.Sleep(f.delay) // the fault itself, not synchronisation
		}
		if werr := p.write(dst, chunk, passed, f); werr != nil {
			l.close(false)
			return
		}
		passed += int64(len(chunk))
		switch {
		case f.dropAfter >= 0 && passed >= f.dropAfter:
			l.close(f.reset)
			return
		case f.stallAfter >= 0 && passed >= f.stallAfter:
			<-l.done // forward nothing more until the ends give up
			return
		case err != nil:
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				l.close(true)
			}
			l.close(false)
			return
		}
	}
}

func (p *proxy) write(dst net.Conn, b []byte, passed int64, f fault) error {
	for len(b) > 0 && passed < int64(f.splitFirst) {
		if _, err := dst.Write(b[:1]); err != nil {
			return err
		}
		b, passed = b[1:], passed+1
	}
	_, err := dst.Write(b)
	return err
}
