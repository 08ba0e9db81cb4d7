package echoserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// outcome is everything a client observes of one call.
type outcome struct {
	msgs    []string
	header  metadata.MD
	trailer metadata.MD
	// err is the final status as an error, nil for OK.
	err error
}

// kind makes one call of a kind with a fixed input; want is the response
// messages for that input when the call ends normally.
type kind struct {
	name string
	call func(t *testing.T, ctx context.Context, c echopb.EchoClient) outcome
	want []string
}

// kinds covers the four kinds of call with inputs whose responses differ
// per kind, so a mixed-up handler shows.
var kinds = []kind{
	{"unary", callUnary, []string{"hi there"}},
	{"server", callServer, []string{"hi", "there"}},
	{"client", callClient, []string{"hi there"}},
	{"bidi", callBidi, []string{"hi", "there"}},
}

func callUnary(_ *testing.T, ctx context.Context, c echopb.EchoClient) outcome {
	var o outcome
	resp, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hi there"}, rpc.Header(&o.header), rpc.Trailer(&o.trailer))
	if err == nil {
		o.msgs = []string{resp.GetMessage()}
	}
	o.err = err
	return o
}

func callServer(t *testing.T, ctx context.Context, c echopb.EchoClient) outcome {
	t.Helper()
	stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "hi there"})
	if err != nil {
		t.Fatalf("ServerStreamingEcho: %v", err)
	}
	return finishStream(stream, stream)
}

func callClient(t *testing.T, ctx context.Context, c echopb.EchoClient) outcome {
	t.Helper()
	stream, err := c.ClientStreamingEcho(ctx)
	if err != nil {
		t.Fatalf("ClientStreamingEcho: %v", err)
	}
	if err := sendAll(stream, []string{"hi", "there"}); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("Send: %v", err)
	}
	var o outcome
	// Header fails when the call ends without headers; the status then
	// comes from CloseAndRecv.
	o.header, _ = stream.Header()
	resp, err := stream.CloseAndRecv()
	if err == nil {
		o.msgs = []string{resp.GetMessage()}
	}
	o.err = err
	o.trailer = stream.Trailer()
	return o
}

func callBidi(t *testing.T, ctx context.Context, c echopb.EchoClient) outcome {
	t.Helper()
	stream, err := c.BidirectionalStreamingEcho(ctx)
	if err != nil {
		t.Fatalf("BidirectionalStreamingEcho: %v", err)
	}
	if err := sendAll(stream, []string{"hi", "there"}); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("Send: %v", err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatalf("CloseSend: %v", err)
	}
	return finishStream(stream, stream)
}

// headerTrailer is what finishStream needs of a client stream besides Recv.
type headerTrailer interface {
	Header() (metadata.MD, error)
	Trailer() metadata.MD
}

// finishStream reads the header, all responses and the trailer. Header
// fails when the call ends without headers; the status then comes from
// Recv.
func finishStream(s headerTrailer, r receiver) outcome {
	var o outcome
	o.header, _ = s.Header()
	o.msgs, o.err = recvAll(r)
	o.trailer = s.Trailer()
	return o
}

// echoed returns the x-echo- keys of md, for comparisons that ignore what
// the transport adds.
func echoed(md metadata.MD) metadata.MD {
	out := metadata.MD{}
	for k, v := range md {
		if strings.HasPrefix(k, echoserver.EchoPrefix) {
			out[k] = v
		}
	}
	return out
}

// quoted formats metadata with every value quoted, so differences in
// invisible or non-UTF-8 bytes are visible in failure messages.
func quoted(md metadata.MD) string {
	return fmt.Sprintf("%q", map[string][]string(md))
}
