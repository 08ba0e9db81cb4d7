// Package supervision checks the tree of actors from outside: Inspect on a
// busy server and client accounts for every goroutine the library started,
// and what panics in user code (handlers, interceptors, codecs, balancers,
// resolvers) ends only what it served, with a status and a reason Inspect
// shows, never the process.
package supervision

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// backend is a served server.
type backend struct {
	server *rpc.Server
	addr   string
}

// serve serves impl on a loopback port until the test ends. The Serve
// call is the test's goroutine, not the library's.
func serve(t *testing.T, impl echopb.EchoServer, opts ...rpc.ServerOption) *backend {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := rpc.NewServer(opts...)
	echopb.RegisterEchoServer(s, impl)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Stop, want nil", err)
		}
	})
	return &backend{server: s, addr: lis.Addr().String()}
}

// dial makes a client of target, closed when the test ends.
func dial(t *testing.T, target string, opts ...rpc.DialOption) (*rpc.ClientConn, echopb.EchoClient) {
	t.Helper()
	opts = append([]rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	cc, err := rpc.NewClient(target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc, echopb.NewEchoClient(cc)
}

// testContext is bounded so that a hang fails the test instead of CI.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// hooks is an Echo implementation whose handlers a test writes inline;
// those it leaves nil echo.
type hooks struct {
	echopb.UnimplementedEchoServer
	unary func(context.Context, *echopb.EchoRequest) (*echopb.EchoResponse, error)
	bidi  func(echopb.Echo_BidirectionalStreamingEchoServer) error
}

func (h hooks) UnaryEcho(ctx context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	if h.unary == nil {
		return &echopb.EchoResponse{Message: r.GetMessage()}, nil
	}
	return h.unary(ctx, r)
}

func (h hooks) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	if h.bidi != nil {
		return h.bidi(s)
	}
	for {
		r, err := s.Recv()
		if err != nil {
			return nil
		}
		if err := s.Send(&echopb.EchoResponse{Message: r.GetMessage()}); err != nil {
			return err
		}
	}
}
