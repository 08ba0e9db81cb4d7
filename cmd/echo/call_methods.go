package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// caller makes one kind of call with the command's MESSAGE arguments,
// passing each response message to show.
type caller func(ctx context.Context, c echopb.EchoClient, args []string, show func(string)) error

// callers maps --method values to the calls they make.
var callers = map[string]caller{
	"unary":  callUnary,
	"server": callServerStreaming,
	"client": callClientStreaming,
	"bidi":   callBidi,
}

func callUnary(ctx context.Context, c echopb.EchoClient, args []string, show func(string)) error {
	resp, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: strings.Join(args, " ")})
	if err != nil {
		return err
	}
	show(resp.GetMessage())
	return nil
}

func callServerStreaming(ctx context.Context, c echopb.EchoClient, args []string, show func(string)) error {
	stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: strings.Join(args, " ")})
	if err != nil {
		return err
	}
	return recvAll(stream, show)
}

func callClientStreaming(ctx context.Context, c echopb.EchoClient, args []string, show func(string)) error {
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
	if err != nil {
		return err
	}
	show(resp.GetMessage())
	return nil
}

// callBidi sends and receives concurrently: sending everything before
// receiving could deadlock under flow control once the server blocks on
// responses nobody reads.
func callBidi(ctx context.Context, c echopb.EchoClient, args []string, show func(string)) error {
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
	err = recvAll(stream, show)
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
func recvAll(r receiver, show func(string)) error {
	for {
		resp, err := r.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		show(resp.GetMessage())
	}
}
