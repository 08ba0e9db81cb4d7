package retry

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// proxy forwards TCP connections to a backend. Its blackhole switch makes
// it drop everything the connections open at that moment carry, both
// ways, without closing anything: to either end the path just went
// silent, as when a NAT forgets a mapping. Connections made later are
// forwarded (a connection half blackholed would be a corrupted byte
// stream, not a silent one).
type proxy struct {
	lis     net.Listener
	backend string

	mu       sync.Mutex
	dead     map[*link]bool // the links blackholed
	links    map[*link]bool
	accepted int
	conns    map[net.Conn]bool
	closed   bool

	wg sync.WaitGroup
}

func startProxy(t *testing.T, backend string) *proxy {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{lis: lis, backend: backend, conns: make(map[net.Conn]bool), links: make(map[*link]bool), dead: make(map[*link]bool)}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) addr() string { return p.lis.Addr().String() }

// link is one forwarded connection: client to proxy, proxy to backend.
// (Not zero-sized: distinct zero-sized allocations may share an address.)
type link struct{ _ byte }

// blackhole silences every connection open now, for good.
func (p *proxy) blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		p.dead[l] = true
	}
}

func (p *proxy) dropping(l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead[l]
}

// connections is how many client connections the proxy accepted.
func (p *proxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// track remembers c so that close can end it; false when the proxy is
// closing.
func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) close() {
	p.lis.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.lis.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.accepted++
		p.mu.Unlock()
		if !p.track(client) {
			client.Close()
			return
		}
		p.wg.Add(1)
		go p.forward(client)
	}
}

// forward connects client to the backend and copies both ways until
// either side ends, then closes both.
func (p *proxy) forward(client net.Conn) {
	defer p.wg.Done()
	defer client.Close()
	server, err := net.DialTimeout("tcp", p.backend, 5*time.Second)
	if err != nil {
		return
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer server.Close()
	l := new(link)
	p.mu.Lock()
	p.links[l] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.links, l)
		p.mu.Unlock()
	}()
	done := make(chan struct{}, 2)
	go func() { p.copy(l, server, client); done <- struct{}{} }()
	go func() { p.copy(l, client, server); done <- struct{}{} }()
	<-done
	client.Close()
	server.Close()
	<-done
}

// copy moves bytes from src to dst, dropping them once l is blackholed.
func (p *proxy) copy(l *link, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.dropping(l) {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestKeepaliveDetectsSilentPeer: with keepalive (ping after 100 ms of
// silence, give up 200 ms later), a call on a connection whose path went
// silent fails with Unavailable long before its own deadline, blaming
// keepalive; the channel then reconnects (through the proxy, which
// forwards new connections) and a new call succeeds.
func TestKeepaliveDetectsSilentPeer(t *testing.T) {
	handlerEnded := make(chan error, 1)
	started := make(chan struct{}, 1)
	b := &backend{unary: func(ctx context.Context, req *echopb.EchoRequest, _ int) (*echopb.EchoResponse, error) {
		if req.GetMessage() != "block" {
			return &echopb.EchoResponse{Message: req.GetMessage()}, nil
		}
		started <- struct{}{}
		<-ctx.Done()
		handlerEnded <- ctx.Err()
		return nil, ctx.Err()
	}}
	p := startProxy(t, serve(t, b))
	cc := dial(t, p.addr(), rpc.WithKeepaliveParams(keepalive.ClientParameters{
		Time:                100 * time.Millisecond,
		Timeout:             200 * time.Millisecond,
		PermitWithoutStream: true,
	}))
	client := echopb.NewEchoClient(cc)

	if _, err := client.UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "warm up"}); err != nil {
		t.Fatalf("a call through the proxy: %v", err)
	}

	const callDeadline = 30 * time.Second
	done := make(chan error, 1)
	go func() {
		_, err := client.UnaryEcho(callContext(t, callDeadline), &echopb.EchoRequest{Message: "block"})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("the long call ended before its handler ran: %v", err)
	}
	p.blackhole()
	silenced := time.Now()
	err := <-done
	elapsed := time.Since(silenced)
	wantCode(t, err, codes.Unavailable)
	if elapsed > callDeadline/3 {
		t.Errorf("the call failed %v after the path went silent, want it found by keepalive well before its %v deadline", elapsed, callDeadline)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "keepalive") {
		t.Errorf("the call's error %q does not say keepalive found the peer silent", err)
	}
	// The client closed the dead connection, the proxy closed the
	// backend's side, and the handler's context ended.
	select {
	case err := <-handlerEnded:
		if err == nil {
			t.Error("the handler's context ended without an error")
		}
	case <-time.After(10 * time.Second):
		t.Error("the handler of the call on the dead connection is still running 10 s later")
	}

	resp, err := client.UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "after"})
	if err != nil {
		t.Fatalf("a new call after keepalive closed the connection: %v, want the channel to reconnect", err)
	}
	if resp.GetMessage() != "after" {
		t.Errorf("response %q", resp.GetMessage())
	}
	if got := p.connections(); got != 2 {
		t.Errorf("the proxy accepted %d connections, want 2 (the first, then the reconnection)", got)
	}
}
