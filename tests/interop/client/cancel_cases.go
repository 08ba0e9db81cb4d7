package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc/codes"
)

// timeoutOnSleepingServer: a full-duplex call with a 1ms deadline, whose
// server never answers, ends DEADLINE_EXCEEDED.
func timeoutOnSleepingServer(ctx context.Context, c stubs) error {
	ctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		// The deadline may pass before the call starts.
		return expectCode("FullDuplexCall", err, codes.DeadlineExceeded)
	}
	req := &testpb.StreamingOutputCallRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		Payload:      zeros(27182),
	}
	// The call may already have ended: Send then says io.EOF and Recv
	// tells the status.
	if err := stream.Send(req); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("Send: %w", err)
	}
	_, err = stream.Recv()
	return expectCode("Recv", err, codes.DeadlineExceeded)
}

// cancelAfterBegin: a client-streaming call cancelled before any message
// ends CANCELLED.
func cancelAfterBegin(ctx context.Context, c stubs) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.test.StreamingInputCall(ctx)
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %w", err)
	}
	cancel()
	_, err = stream.CloseAndRecv()
	return expectCode("CloseAndRecv after cancelling", err, codes.Canceled)
}

// cancelAfterFirstResponse: a full-duplex call cancelled after its first
// response ends CANCELLED.
func cancelAfterFirstResponse(ctx context.Context, c stubs) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	req := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: 31415}},
		Payload:            zeros(27182),
	}
	if err := stream.Send(req); err != nil {
		return fmt.Errorf("Send: %w", err)
	}
	reply, err := stream.Recv()
	if err != nil {
		return fmt.Errorf("Recv of the first response: %w", err)
	}
	if err := expectPayload("first response", reply.GetPayload(), 31415); err != nil {
		return err
	}
	cancel()
	_, err = stream.Recv()
	return expectCode("Recv after cancelling", err, codes.Canceled)
}
