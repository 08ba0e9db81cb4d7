package echoserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// failsafe bounds every wait in these tests, so a transport bug fails a
// test instead of hanging the run. Nothing waits for it to pass.
const failsafe = 10 * time.Second

// fixture is an echo server on a loopback port and a client for it.
type fixture struct {
	srv    *rpc.Server
	client echopb.EchoClient
}

// start runs a server and connects a client, both shut down at cleanup.
func start(t *testing.T) *fixture {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := rpc.NewServer()
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		srv.Stop()
		<-served
		t.Fatalf("NewClient(%s): %v", lis.Addr(), err)
	}
	t.Cleanup(func() {
		if err := cc.Close(); err != nil {
			t.Errorf("ClientConn.Close: %v", err)
		}
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Stop, want nil", err)
		}
	})
	return &fixture{srv: srv, client: echopb.NewEchoClient(cc)}
}

// gracefulStop checks that every handler has returned: GracefulStop waits
// for them, so a handler stuck in a delay would block it.
func (f *fixture) gracefulStop(t *testing.T) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		f.srv.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(failsafe):
		t.Errorf("GracefulStop did not return within %v: a handler is still running", failsafe)
		f.srv.Stop()
		<-done
	}
}

// callContext returns a context for one call carrying md as request
// metadata, cancelled when the test ends.
func callContext(t *testing.T, md metadata.MD) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), failsafe)
	t.Cleanup(cancel)
	if md != nil {
		ctx = metadata.NewOutgoingContext(ctx, md)
	}
	return ctx
}

// receiver is the receiving half of the client streams.
type receiver interface {
	Recv() (*echopb.EchoResponse, error)
}

// recvAll collects response messages until the end of the call; the error
// is nil when the call ended OK.
func recvAll(r receiver) ([]string, error) {
	var msgs []string
	for {
		resp, err := r.Recv()
		if errors.Is(err, io.EOF) {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, resp.GetMessage())
	}
}

// sender is the sending half of the client streams.
type sender interface {
	Send(*echopb.EchoRequest) error
}

// sendAll sends msgs in order. io.EOF means the call has already ended,
// and its status is then what Recv returns.
func sendAll(s sender, msgs []string) error {
	for _, msg := range msgs {
		if err := s.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			return err
		}
	}
	return nil
}
