package chaos

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// countingEcho echoes as cmd/echo's server does, and counts the calls its
// handlers saw per x-chaos-id: what "the server saw the call" means here.
type countingEcho struct {
	echopb.UnimplementedEchoServer
	mu   sync.Mutex
	seen map[string]int
}

func (e *countingEcho) note(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	ids := md.Get(idHeader)
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range ids {
		e.seen[id]++
	}
}

func (e *countingEcho) count(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen[id]
}

func (e *countingEcho) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	e.note(ctx)
	return &echopb.EchoResponse{Message: req.GetMessage()}, nil
}

func (e *countingEcho) ServerStreamingEcho(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer) error {
	e.note(s.Context())
	for _, w := range strings.Fields(req.GetMessage()) {
		if err := s.Send(&echopb.EchoResponse{Message: w}); err != nil {
			return err
		}
	}
	return nil
}

func (e *countingEcho) ClientStreamingEcho(s echopb.Echo_ClientStreamingEchoServer) error {
	e.note(s.Context())
	var msgs []string
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return s.SendAndClose(&echopb.EchoResponse{Message: strings.Join(msgs, " ")})
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetMessage())
	}
}

func (e *countingEcho) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	e.note(s.Context())
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&echopb.EchoResponse{Message: req.GetMessage()}); err != nil {
			return err
		}
	}
}

// serveCounting serves a countingEcho on a loopback port until the test
// ends.
func serveCounting(t *testing.T, opts ...rpc.ServerOption) (*countingEcho, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &countingEcho{seen: make(map[string]int)}
	s := rpc.NewServer(opts...)
	echopb.RegisterEchoServer(s, e)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Stop, want nil", err)
		}
	})
	return e, lis.Addr().String()
}
