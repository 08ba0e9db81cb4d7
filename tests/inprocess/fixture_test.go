// Package inprocess runs an actorpc client against an actorpc server in
// one process over loopback TCP: the cases that cross every layer.
package inprocess

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a served server and a client of it.
type fixture struct {
	server *rpc.Server
	cc     *rpc.ClientConn
	client echopb.EchoClient
	lis    *trackingListener
}

// start serves impl (the echo contract when nil) and connects a client;
// both are shut down when the test ends.
func start(t *testing.T, impl echopb.EchoServer, opts ...rpc.ServerOption) *fixture {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lis := &trackingListener{Listener: raw, conns: make(chan net.Conn, 16)}
	s := rpc.NewServer(opts...)
	if impl == nil {
		echoserver.Register(s)
	} else {
		echopb.RegisterEchoServer(s, impl)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	cc, err := rpc.NewClient(raw.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cc.Close()
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Stop, want nil", err)
		}
	})
	return &fixture{server: s, cc: cc, client: echopb.NewEchoClient(cc), lis: lis}
}

// trackingListener hands every accepted connection to the test too, so a
// test can cut one.
type trackingListener struct {
	net.Listener
	conns chan net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		select {
		case l.conns <- c:
		default:
		}
	}
	return c, err
}

// testContext is bounded so that a hang fails the test instead of CI.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// hooks is an Echo implementation whose handlers a test writes inline.
type hooks struct {
	echopb.UnimplementedEchoServer
	unary func(context.Context, *echopb.EchoRequest) (*echopb.EchoResponse, error)
	bidi  func(echopb.Echo_BidirectionalStreamingEchoServer) error
}

func (h hooks) UnaryEcho(ctx context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	return h.unary(ctx, r)
}

func (h hooks) ServerStreamingEcho(*echopb.EchoRequest, echopb.Echo_ServerStreamingEchoServer) error {
	return nil
}

func (h hooks) ClientStreamingEcho(echopb.Echo_ClientStreamingEchoServer) error { return nil }

func (h hooks) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	return h.bidi(s)
}
