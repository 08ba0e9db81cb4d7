package echoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// Server implements echopb.EchoServer. It has no state, so the zero value
// is ready and one value may serve any number of servers and calls.
type Server struct {
	echopb.UnimplementedEchoServer
}

var _ echopb.EchoServer = Server{}

// Register registers the echo service on s.
func Register(s *rpc.Server) {
	echopb.RegisterEchoServer(s, Server{})
}

// controlsOf parses the controls of the call behind ctx. The x-echo-
// metadata is returned even when the controls are malformed, so the
// InvalidArgument trailers carry it too.
func controlsOf(ctx context.Context) (controls, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	return parseControls(md)
}

// UnaryEcho returns the request message. Its response and status are sent
// together, so a configured delay is waited once.
func (Server) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	c, parseErr := controlsOf(ctx)
	if err := setUnaryMetadata(ctx, c.echoed); err != nil {
		return nil, err
	}
	if parseErr != nil {
		return nil, parseErr
	}
	if err := pause(ctx, c.delay); err != nil {
		return nil, err
	}
	if err := c.final.Err(); err != nil {
		return nil, err
	}
	return &echopb.EchoResponse{Message: req.GetMessage()}, nil
}

// setUnaryMetadata queues the echoed metadata; the headers go out with the
// response (or the status), which is the earliest a unary handler can send.
func setUnaryMetadata(ctx context.Context, md metadata.MD) error {
	if err := rpc.SetHeader(ctx, md); err != nil {
		return fmt.Errorf("echoserver: set header: %w", err)
	}
	if err := rpc.SetTrailer(ctx, md); err != nil {
		return fmt.Errorf("echoserver: set trailer: %w", err)
	}
	return nil
}

// ServerStreamingEcho sends one response per word of the request message.
func (Server) ServerStreamingEcho(req *echopb.EchoRequest, stream echopb.Echo_ServerStreamingEchoServer) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	for _, word := range strings.Fields(req.GetMessage()) {
		if err := send(stream, c, word); err != nil {
			return err
		}
	}
	return finish(stream, c)
}

// ClientStreamingEcho answers, once the client has half-closed, with the
// received messages joined by single spaces.
func (Server) ClientStreamingEcho(stream echopb.Echo_ClientStreamingEchoServer) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	var msgs []string
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetMessage())
	}
	if err := send(stream, c, strings.Join(msgs, " ")); err != nil {
		return err
	}
	return finish(stream, c)
}

// BidirectionalStreamingEcho echoes each message as it arrives.
func (Server) BidirectionalStreamingEcho(stream echopb.Echo_BidirectionalStreamingEchoServer) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return finish(stream, c)
		}
		if err != nil {
			return err
		}
		if err := send(stream, c, req.GetMessage()); err != nil {
			return err
		}
	}
}
