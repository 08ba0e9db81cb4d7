package main

import (
	"context"
	"fmt"

	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/proto"

	"github.com/actorpc/actorpc/rpc/codes"
)

const (
	largeRequestSize  = 271828
	largeResponseSize = 314159
)

// emptyUnary: EmptyCall with an empty message succeeds with a non-nil
// (empty) response.
func emptyUnary(ctx context.Context, c stubs) error {
	reply, err := c.test.EmptyCall(ctx, &testpb.Empty{})
	if err != nil {
		return fmt.Errorf("EmptyCall: %w", err)
	}
	if reply == nil || !proto.Equal(reply, &testpb.Empty{}) {
		return fmt.Errorf("EmptyCall: got %v, want an empty message", reply)
	}
	return nil
}

// largeUnary: a 271828-byte request gets a 314159-byte response.
func largeUnary(ctx context.Context, c stubs) error {
	reply, err := c.test.UnaryCall(ctx, &testpb.SimpleRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		ResponseSize: largeResponseSize,
		Payload:      zeros(largeRequestSize),
	})
	if err != nil {
		return fmt.Errorf("UnaryCall: %w", err)
	}
	return expectPayload("UnaryCall", reply.GetPayload(), largeResponseSize)
}

// unimplementedMethod: TestService/UnimplementedCall ends UNIMPLEMENTED.
func unimplementedMethod(ctx context.Context, c stubs) error {
	_, err := c.test.UnimplementedCall(ctx, &testpb.Empty{})
	return expectCode("TestService/UnimplementedCall", err, codes.Unimplemented)
}

// unimplementedService: a call to a service the server does not have ends
// UNIMPLEMENTED.
func unimplementedService(ctx context.Context, c stubs) error {
	_, err := c.unimplemented.UnimplementedCall(ctx, &testpb.Empty{})
	return expectCode("UnimplementedService/UnimplementedCall", err, codes.Unimplemented)
}
