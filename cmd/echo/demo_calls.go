package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// Labels are padded to one width so the two directions line up.
const (
	labelUnary  = "unary "
	labelServer = "server"
	labelClient = "client"
	labelBidi   = "bidi  "
)

func demoUnary(ctx context.Context, c echopb.EchoClient, w io.Writer) error {
	var header, trailer metadata.MD
	fmt.Fprintf(w, "%s > %s\n", labelUnary, "hello")
	resp, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"}, rpc.Header(&header), rpc.Trailer(&trailer))
	if err != nil {
		return err
	}
	showMetadata(w, labelUnary, "header", header)
	fmt.Fprintf(w, "%s < %s\n", labelUnary, resp.GetMessage())
	showMetadata(w, labelUnary, "trailer", trailer)
	return nil
}

func demoServerStreaming(ctx context.Context, c echopb.EchoClient, w io.Writer) error {
	const msg = "one response per word"
	fmt.Fprintf(w, "%s > %s\n", labelServer, msg)
	stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: msg})
	if err != nil {
		return err
	}
	return demoReceive(stream, labelServer, w)
}

func demoClientStreaming(ctx context.Context, c echopb.EchoClient, w io.Writer) error {
	stream, err := c.ClientStreamingEcho(ctx)
	if err != nil {
		return err
	}
	for _, msg := range []string{"several", "requests,", "one", "response"} {
		fmt.Fprintf(w, "%s > %s\n", labelClient, msg)
		if err := stream.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	header, err := stream.Header()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	showMetadata(w, labelClient, "header", header)
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s < %s\n", labelClient, resp.GetMessage())
	showMetadata(w, labelClient, "trailer", stream.Trailer())
	return nil
}

// demoBidi waits for each echo before sending the next message, to show
// that the server answers each message as it arrives.
func demoBidi(ctx context.Context, c echopb.EchoClient, w io.Writer) error {
	stream, err := c.BidirectionalStreamingEcho(ctx)
	if err != nil {
		return err
	}
	header, err := stream.Header()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	showMetadata(w, labelBidi, "header", header)
	for _, msg := range []string{"ping", "pong"} {
		fmt.Fprintf(w, "%s > %s\n", labelBidi, msg)
		if err := stream.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		resp, err := stream.Recv()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s < %s\n", labelBidi, resp.GetMessage())
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("close send: %w", err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("after close send: got %v, want end of stream", err)
	}
	showMetadata(w, labelBidi, "trailer", stream.Trailer())
	return nil
}

// demoReceive shows responses until the end of a server stream, with the
// headers before and the trailers after.
func demoReceive(stream echopb.Echo_ServerStreamingEchoClient, label string, w io.Writer) error {
	header, err := stream.Header()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	showMetadata(w, label, "header", header)
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s < %s\n", label, resp.GetMessage())
	}
	showMetadata(w, label, "trailer", stream.Trailer())
	return nil
}

// showMetadata prints the echoed keys of md; other keys are the
// transport's business and would only clutter the demo.
func showMetadata(w io.Writer, label, kind string, md metadata.MD) {
	keys := make([]string, 0, len(md))
	for k := range md {
		if strings.HasPrefix(k, echoserver.EchoPrefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s   %s %s: %s\n", label, kind, k, strings.Join(md[k], ", "))
	}
}
