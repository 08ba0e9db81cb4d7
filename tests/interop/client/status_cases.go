package main

import (
	"context"
	"fmt"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc/codes"
)

// statusCodeAndMessage: a response_status asked for in a unary and in a
// full-duplex call comes back as the calls' status.
func statusCodeAndMessage(ctx context.Context, c stubs) error {
	const code, msg = codes.Unknown, "test status message"
	echo := &testpb.EchoStatus{Code: int32(code), Message: msg}

	_, err := c.test.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: echo})
	if err := expectStatus("UnaryCall", err, code, msg); err != nil {
		return err
	}

	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	if err := stream.Send(&testpb.StreamingOutputCallRequest{ResponseStatus: echo}); err != nil {
		return fmt.Errorf("FullDuplexCall Send: %w", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("FullDuplexCall CloseSend: %w", err)
	}
	_, err = stream.Recv()
	return expectStatus("FullDuplexCall Recv", err, code, msg)
}

// specialStatusMessage: whitespace and Unicode in a status message come
// back unchanged.
func specialStatusMessage(ctx context.Context, c stubs) error {
	const code, msg = codes.Unknown, "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
	_, err := c.test.UnaryCall(ctx, &testpb.SimpleRequest{
		ResponseStatus: &testpb.EchoStatus{Code: int32(code), Message: msg},
	})
	return expectStatus("UnaryCall", err, code, msg)
}
