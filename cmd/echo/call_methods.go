package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// caller makes one kind of call with the command's MESSAGE arguments,
// passing the response headers and each response message to out.
type caller func(ctx context.Context, c echopb.EchoClient, args []string, out *output) error

// callers maps --method values to the calls they make.
var callers = map[string]caller{
	"unary":  callUnary,
	"server": callServerStreaming,
	"client": callClientStreaming,
	"bidi":   callBidi,
}

// callUnary shows the headers even when the call fails: a server may
// send some with its error status, and they can explain it.
func callUnary(ctx context.Context, c echopb.EchoClient, args []string, out *output) error {
	var header metadata.MD
	resp, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: strings.Join(args, " ")}, rpc.Header(&header))
	out.headers(header)
	if err != nil {
		return err
	}
	out.message(resp.GetMessage())
	return nil
}

func callServerStreaming(ctx context.Context, c echopb.EchoClient, args []string, out *output) error {
	stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: strings.Join(args, " ")})
	if err != nil {
		return err
	}
	showHeaders(stream, out)
	return recvAll(stream, out)
}

// callClientStreaming asks for the headers only once the response is in:
// a server may hold them back until it has every request, and asking
// before sending them all would wait until the deadline, or for ever.
func callClientStreaming(ctx context.Context, c echopb.EchoClient, args []string, out *output) error {
	stream, err := c.ClientStreamingEcho(ctx)
	if err != nil {
		return err
	}
	// io.EOF from Send means the call has already ended; CloseAndRecv
	// then returns its real status.
	if err := sendAll(stream, args); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	resp, err := stream.CloseAndRecv()
	showHeaders(stream, out)
	if err != nil {
		return err
	}
	out.message(resp.GetMessage())
	return nil
}

// callBidi sends and receives concurrently: sending everything before
// receiving could deadlock under flow control once the server blocks on
// responses nobody reads.
func callBidi(ctx context.Context, c echopb.EchoClient, args []string, out *output) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.BidirectionalStreamingEcho(ctx)
	if err != nil {
		return err
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		// The outcome of the call is what Recv reports; a send error only
		// means the call ended early, which Recv reports too.
		if sendAll(stream, args) == nil {
			_ = stream.CloseSend()
		}
	}()
	// Waiting for the headers is safe here: the requests are going out
	// meanwhile, so a server holding its headers back gets to send them.
	showHeaders(stream, out)
	err = recvAll(stream, out)
	// The call is over; cancelling releases a sender still blocked on it.
	cancel()
	<-sent
	return err
}

// sender is the sending half of the client streams.
type sender interface {
	Send(*echopb.EchoRequest) error
}

func sendAll(s sender, msgs []string) error {
	for _, msg := range msgs {
		if err := s.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			return err
		}
	}
	return nil
}

// receiver is the receiving half of the server streams.
type receiver interface {
	Recv() (*echopb.EchoResponse, error)
}

// recvAll shows responses until the call ends; io.EOF means status OK.
func recvAll(r receiver, out *output) error {
	for {
		resp, err := r.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		out.message(resp.GetMessage())
	}
}

// headerer is what the client streams have for their response headers.
type headerer interface {
	Header() (metadata.MD, error)
}

// showHeaders passes a stream's response headers to out. It waits for
// them only with --show-headers, so calls without it behave as before. An
// error means the call ended without headers; its status is what the
// caller's next receive reports, so it is not reported twice here.
func showHeaders(s headerer, out *output) {
	if !out.showHeaders {
		return
	}
	if md, err := s.Header(); err == nil {
		out.headers(md)
	}
}
