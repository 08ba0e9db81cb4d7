package chaos

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// proxy is a TCP proxy in front of one backend that applies to its n-th
// connection the fault planFor(n) returns. It reads whole HTTP/2 frames
// each way (so it can inject GOAWAY between frames, and decode the
// client's header blocks to learn which call each stream carries) but
// writes bytes: a fault may cut, split or stall a frame anywhere.
type proxy struct {
	t       *testing.T
	lis     net.Listener
	backend string
	planFor func(n int) plan
	obs     *observer

	wg     sync.WaitGroup // every goroutine of the proxy
	mu     sync.Mutex
	conns  []*proxyConn
	closed bool
}

func startProxy(t *testing.T, backend string, planFor func(n int) plan) *proxy {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, lis: lis, backend: backend, planFor: planFor, obs: newObserver()}
	p.wg.Add(1)
	go p.accept()
	return p
}

func (p *proxy) addr() string { return p.lis.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for n := 0; ; n++ {
		c, err := p.lis.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.backend)
		if err != nil {
			p.t.Errorf("proxy: dialing the backend: %v", err)
			c.Close()
			continue
		}
		pc := &proxyConn{p: p, n: n, plan: p.planFor(n), client: c, server: s, closed: make(chan struct{}),
			frames: [2]chan []byte{make(chan []byte), make(chan []byte)}}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.conns = append(p.conns, pc)
		p.mu.Unlock()
		pc.start()
	}
}

// close ends every connection and waits for every goroutine of the proxy.
func (p *proxy) close() {
	p.lis.Close()
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.mu.Unlock()
	for _, pc := range conns {
		pc.drop(false)
	}
	p.wg.Wait()
}

// plans lists the plan of each connection made so far, for the log.
func (p *proxy) plans() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, pc := range p.conns {
		out = append(out, pc.plan.String())
	}
	return out
}

// dropAll ends every connection now (reset: with RST).
func (p *proxy) dropAll(reset bool) {
	p.mu.Lock()
	conns := p.conns
	p.mu.Unlock()
	for _, pc := range conns {
		pc.drop(reset)
	}
}

// proxyConn is one proxied connection: a reader and a writer each way.
// The readers hand whole frames to the writers through frames[dir]
// (unbuffered, so a stalled writer stalls its reader and TCP pushes back).
type proxyConn struct {
	p      *proxy
	n      int
	plan   plan
	client net.Conn
	server net.Conn

	frames    [2]chan []byte
	armed     atomic.Bool // the first request HEADERS went by: byte counts start
	closeOnce sync.Once
	closed    chan struct{}

	// Owned by the client->server reader.
	headers    *requestHeaders
	requests   int
	goAwayLast uint32 // nonzero: streams above it are dropped (refused)
	goAwaySent bool
}

func (pc *proxyConn) start() {
	pc.headers = newRequestHeaders()
	pc.p.wg.Add(4)
	go pc.readClient()
	go pc.readServer()
	go pc.write(toServer, pc.server)
	go pc.write(toClient, pc.client)
}

// drop closes both sides; with reset the peers see RST instead of FIN.
func (pc *proxyConn) drop(reset bool) {
	pc.closeOnce.Do(func() {
		if reset {
			for _, c := range []net.Conn{pc.client, pc.server} {
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
			}
		}
		close(pc.closed)
		pc.client.Close()
		pc.server.Close()
	})
}

// send hands raw to dir's writer; false when the connection has ended.
func (pc *proxyConn) send(dir direction, raw []byte) bool {
	select {
	case pc.frames[dir] <- raw:
		return true
	case <-pc.closed:
		return false
	}
}

func (pc *proxyConn) readClient() {
	defer pc.p.wg.Done()
	defer pc.drop(false)
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(pc.client, preface); err != nil || !pc.send(toServer, preface) {
		return
	}
	for {
		f, err := readFrame(pc.client)
		if err != nil {
			return
		}
		block, done, err := pc.headers.add(f)
		if err != nil {
			pc.p.t.Errorf("proxy conn %d: %v", pc.n, err)
			return
		}
		if pc.goAwayLast != 0 && f.stream > pc.goAwayLast {
			// The server "stopped taking streams" after goAwayLast: none of
			// this stream reaches it.
			if done {
				pc.p.obs.sent(block.id, attemptSeen{conn: pc.n, stream: block.stream, previous: block.previous, refused: true})
				pc.requests++
				if !pc.goAway() {
					return
				}
			}
			continue
		}
		if done {
			pc.armed.Store(true)
			pc.p.obs.sent(block.id, attemptSeen{conn: pc.n, stream: block.stream, previous: block.previous})
		}
		if !pc.send(toServer, f.raw) {
			return
		}
		if done && pc.goAwayLast == 0 {
			pc.requests++
			if pc.plan.end == endGoAway && pc.requests == pc.plan.endK {
				pc.goAwayLast = block.stream
				if !pc.goAway() {
					return
				}
			}
		}
	}
}

func (pc *proxyConn) readServer() {
	defer pc.p.wg.Done()
	defer pc.drop(false)
	for {
		f, err := readFrame(pc.server)
		if err != nil {
			return
		}
		if !pc.send(toClient, f.raw) {
			return
		}
	}
}

// goAway sends the client GOAWAY(goAwayLast) once the plan's endHold
// requests above it have come (so that the test knows some streams will be
// refused); false when the connection has ended.
func (pc *proxyConn) goAway() bool {
	if pc.goAwaySent || pc.requests < pc.plan.endK+pc.plan.endHold {
		return true
	}
	pc.goAwaySent = true
	return pc.send(toClient, goAwayFrame(pc.goAwayLast))
}

// errDropped: the plan ended the connection.
var errDropped = errors.New("dropped by the plan")

// write forwards dir's frames to dst, applying the plan's faults at the
// byte offsets it names (counted from arming).
func (pc *proxyConn) write(dir direction, dst net.Conn) {
	defer pc.p.wg.Done()
	defer pc.drop(false)
	w := faultWriter{pc: pc, dir: dir, dst: dst}
	for {
		select {
		case raw := <-pc.frames[dir]:
			if err := w.write(raw); err != nil {
				return
			}
		case <-pc.closed:
			return
		}
	}
}

// faultWriter writes one direction's bytes as the plan says.
type faultWriter struct {
	pc      *proxyConn
	dir     direction
	dst     net.Conn
	count   int  // bytes written since arming
	stalled bool // the plan's stall has happened
}

func (w *faultWriter) write(b []byte) error {
	p := w.pc.plan
	if p.fault == faultDelay && p.dir == w.dir {
		if !w.wait(p.delay) {
			return errDropped
		}
	}
	for len(b) > 0 {
		n := len(b)
		if w.pc.armed.Load() {
			if p.endDir == w.dir && (p.end == endClose || p.end == endReset || p.end == endStall) {
				if w.count >= p.endAfter {
					if p.end == endStall {
						w.wait(p.endStall)
					}
					w.pc.drop(p.end != endClose)
					return errDropped
				}
				n = min(n, p.endAfter-w.count)
			}
			if p.fault == faultStall && p.dir == w.dir && !w.stalled {
				if w.count >= p.after {
					w.stalled = true
					if !w.wait(p.stall) {
						return errDropped
					}
				} else {
					n = min(n, p.after-w.count)
				}
			}
			if p.fault == faultSplit && p.dir == w.dir && w.count >= p.after && w.count < p.after+p.span {
				n = 1
			}
		}
		if _, err := w.dst.Write(b[:n]); err != nil {
			return err
		}
		if w.pc.armed.Load() {
			w.count += n
		}
		b = b[n:]
	}
	return nil
}

// wait is the fault's pause (not synchronisation): d, or until the
// connection ends (false).
func (w *faultWriter) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.pc.closed:
		return false
	}
}
