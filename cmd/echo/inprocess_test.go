package main

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// serverKey is the response header each in-process server adds to every
// call, naming itself, so "echo call --show-headers" tells which answered.
const serverKey = "x-test-server"

// testServer is an echo server in the test process, for what "echo serve"
// cannot be: several servers behind one target, a unix socket, a server
// that fails on cue. Calls go to echoserver after before.
type testServer struct {
	name string
	// addr is where it listens: host:port, or the socket path.
	addr string
	// handshook is closed when the server first writes to a connection:
	// its HTTP/2 SETTINGS, which the client waits for to be READY.
	handshook chan struct{}
	// calls counts the calls received, failed ones included.
	calls atomic.Int64
	// before, if set, runs first in every call with the call's number
	// (from 1); an error ends the call with it.
	before func(ctx context.Context, call int64) error
}

func newTestServer(name string) *testServer {
	return &testServer{name: name, handshook: make(chan struct{})}
}

// start serves on network and address ("tcp", "127.0.0.1:0" or "unix",
// a path) until the test ends, then stops the server and waits for it.
func (s *testServer) start(t *testing.T, network, address string) {
	t.Helper()
	lis, err := net.Listen(network, address)
	if err != nil {
		t.Fatalf("listen on %s %s: %v", network, address, err)
	}
	s.addr = lis.Addr().String()
	srv := rpc.NewServer(rpc.UnaryInterceptor(s.unary), rpc.StreamInterceptor(s.stream))
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(&notifyingListener{Listener: lis, wrote: s.handshook}) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("server %s: Serve returned %v after Stop, want nil", s.name, err)
		}
	})
}

// enter counts the call, runs before and names the server in the
// response headers.
func (s *testServer) enter(ctx context.Context, setHeader func(metadata.MD) error) error {
	n := s.calls.Add(1)
	if s.before != nil {
		if err := s.before(ctx, n); err != nil {
			return err
		}
	}
	return setHeader(metadata.Pairs(serverKey, s.name))
}

func (s *testServer) unary(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
	if err := s.enter(ctx, func(md metadata.MD) error { return rpc.SetHeader(ctx, md) }); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (s *testServer) stream(srv any, ss rpc.ServerStream, _ *rpc.StreamServerInfo, handler rpc.StreamHandler) error {
	if err := s.enter(ss.Context(), ss.SetHeader); err != nil {
		return err
	}
	return handler(srv, ss)
}

// waitHandshakes returns a before that holds each call until every one of
// servers has handshaken with the client. Without it, round_robin could
// rightly send every call to the first server READY, and a test of the
// spread would fail at random.
func waitHandshakes(servers ...*testServer) func(context.Context, int64) error {
	return func(ctx context.Context, _ int64) error {
		for _, s := range servers {
			select {
			case <-s.handshook:
			case <-ctx.Done():
				return status.FromContextError(ctx.Err()).Err()
			}
		}
		return nil
	}
}

// notifyingListener closes wrote when a connection it accepted is first
// written to.
type notifyingListener struct {
	net.Listener
	wrote chan struct{}
	once  sync.Once
}

func (l *notifyingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &notifyingConn{Conn: c, l: l}, nil
}

type notifyingConn struct {
	net.Conn
	l *notifyingListener
}

func (c *notifyingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.l.once.Do(func() { close(c.l.wrote) })
	return n, err
}
