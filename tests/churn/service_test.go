package churn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// echo answers every kind of call so that each response can be checked
// against its request, and notes which calls it saw (by the id each
// request message starts with).
type echo struct {
	echopb.UnimplementedEchoServer

	mu   sync.Mutex
	seen map[string]int
}

func (e *echo) saw(msg string) {
	id, _, _ := strings.Cut(msg, ":")
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen[id]++
}

func (e *echo) times(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen[id]
}

func (e *echo) UnaryEcho(_ context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	e.saw(req.GetMessage())
	return &echopb.EchoResponse{Message: req.GetMessage()}, nil
}

// ServerStreamingEcho answers with streamed(msg).
func (e *echo) ServerStreamingEcho(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer) error {
	e.saw(req.GetMessage())
	for _, m := range streamed(req.GetMessage()) {
		if err := s.Send(&echopb.EchoResponse{Message: m}); err != nil {
			return err
		}
	}
	return nil
}

func streamed(msg string) []string {
	return []string{msg + "#0", msg + "#1", msg + "#2"}
}

// ClientStreamingEcho answers with the messages joined by "|".
func (e *echo) ClientStreamingEcho(s echopb.Echo_ClientStreamingEchoServer) error {
	var parts []string
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return s.SendAndClose(&echopb.EchoResponse{Message: strings.Join(parts, "|")})
		}
		if err != nil {
			return err
		}
		if len(parts) == 0 {
			e.saw(req.GetMessage())
		}
		parts = append(parts, req.GetMessage())
	}
}

func (e *echo) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	first := true
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if first {
			e.saw(req.GetMessage())
			first = false
		}
		if err := s.Send(&echopb.EchoResponse{Message: req.GetMessage()}); err != nil {
			return err
		}
	}
}

// payload is call id's request: the id, then size bytes that depend on
// both, so that a response from another call, or a corrupted one, shows.
func payload(id string, part, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:", id, part)
	for i := range size {
		b.WriteByte('a' + byte((i*7+len(id)+part)%26))
	}
	return b.String()
}
