package main

import (
	"context"
	"fmt"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

const (
	initialKey    = "x-grpc-test-echo-initial"
	initialValue  = "test_initial_metadata_value"
	trailingKey   = "x-grpc-test-echo-trailing-bin"
	trailingValue = "\xab\xab\xab"
)

// customMetadata: the echo keys sent with a unary and a full-duplex call
// come back, one in the response headers and one in the trailers.
func customMetadata(ctx context.Context, c stubs) error {
	ctx = metadata.NewOutgoingContext(ctx, metadata.Pairs(initialKey, initialValue, trailingKey, trailingValue))

	var header, trailer metadata.MD
	reply, err := c.test.UnaryCall(ctx, &testpb.SimpleRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		ResponseSize: largeResponseSize,
		Payload:      zeros(largeRequestSize),
	}, rpc.Header(&header), rpc.Trailer(&trailer))
	if err != nil {
		return fmt.Errorf("UnaryCall: %w", err)
	}
	if err := expectPayload("UnaryCall", reply.GetPayload(), largeResponseSize); err != nil {
		return err
	}
	if err := expectEchoed("UnaryCall", header, trailer); err != nil {
		return err
	}

	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	req := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: largeResponseSize}},
		Payload:            zeros(largeRequestSize),
	}
	if err := stream.Send(req); err != nil {
		return fmt.Errorf("FullDuplexCall Send: %w", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("FullDuplexCall CloseSend: %w", err)
	}
	header, err = stream.Header()
	if err != nil {
		return fmt.Errorf("FullDuplexCall Header: %w", err)
	}
	streamReply, err := stream.Recv()
	if err != nil {
		return fmt.Errorf("FullDuplexCall Recv: %w", err)
	}
	if err := expectPayload("FullDuplexCall", streamReply.GetPayload(), largeResponseSize); err != nil {
		return err
	}
	_, err = stream.Recv()
	if err := expectEOF("FullDuplexCall Recv after the response", err); err != nil {
		return err
	}
	return expectEchoed("FullDuplexCall", header, stream.Trailer())
}

// expectEchoed checks that the headers hold exactly the initial value
// and the trailers exactly the trailing one.
func expectEchoed(what string, header, trailer metadata.MD) error {
	if got := header.Get(initialKey); len(got) != 1 || got[0] != initialValue {
		return fmt.Errorf("%s: response headers have %s = %q, want exactly [%q]", what, initialKey, got, initialValue)
	}
	if got := trailer.Get(trailingKey); len(got) != 1 || got[0] != trailingValue {
		return fmt.Errorf("%s: trailers have %s = %q, want exactly [%q]", what, trailingKey, got, trailingValue)
	}
	return nil
}
