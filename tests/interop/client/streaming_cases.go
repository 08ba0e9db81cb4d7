package main

import (
	"context"
	"fmt"

	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// The request and response sizes of the streaming cases, in order.
var (
	requestSizes  = []int{27182, 8, 1828, 45904}
	responseSizes = []int{31415, 9, 2653, 58979}
)

// clientStreaming: four requests, then a half-close, get one response
// whose aggregated_payload_size is 74922.
func clientStreaming(ctx context.Context, c stubs) error {
	stream, err := c.test.StreamingInputCall(ctx)
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %w", err)
	}
	var sum int
	for i, size := range requestSizes {
		if err := stream.Send(&testpb.StreamingInputCallRequest{Payload: zeros(size)}); err != nil {
			return fmt.Errorf("Send of request %d: %w", i, err)
		}
		sum += size
	}
	reply, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("CloseAndRecv: %w", err)
	}
	if got := reply.GetAggregatedPayloadSize(); got != int32(sum) {
		return fmt.Errorf("aggregated_payload_size %d, want %d", got, sum)
	}
	return nil
}

// serverStreaming: one request gets exactly four responses, sized in
// order, then status OK.
func serverStreaming(ctx context.Context, c stubs) error {
	req := &testpb.StreamingOutputCallRequest{ResponseType: testpb.PayloadType_COMPRESSABLE}
	for _, size := range responseSizes {
		req.ResponseParameters = append(req.ResponseParameters, &testpb.ResponseParameters{Size: int32(size)})
	}
	stream, err := c.test.StreamingOutputCall(ctx, req)
	if err != nil {
		return fmt.Errorf("StreamingOutputCall: %w", err)
	}
	for i, size := range responseSizes {
		reply, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("Recv of response %d of %d: %w", i, len(responseSizes), err)
		}
		if err := expectPayload(fmt.Sprintf("response %d", i), reply.GetPayload(), size); err != nil {
			return err
		}
	}
	_, err = stream.Recv()
	return expectEOF("Recv after the last response", err)
}

// pingPong: four request/response rounds on one full-duplex call, then a
// half-close and status OK.
func pingPong(ctx context.Context, c stubs) error {
	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	for i := range requestSizes {
		req := &testpb.StreamingOutputCallRequest{
			ResponseType:       testpb.PayloadType_COMPRESSABLE,
			ResponseParameters: []*testpb.ResponseParameters{{Size: int32(responseSizes[i])}},
			Payload:            zeros(requestSizes[i]),
		}
		if err := stream.Send(req); err != nil {
			return fmt.Errorf("Send of request %d: %w", i, err)
		}
		reply, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("Recv of response %d: %w", i, err)
		}
		if err := expectPayload(fmt.Sprintf("response %d", i), reply.GetPayload(), responseSizes[i]); err != nil {
			return err
		}
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %w", err)
	}
	_, err = stream.Recv()
	return expectEOF("Recv after the half-close", err)
}

// emptyStream: a full-duplex call half-closed at once gets no response
// and status OK.
func emptyStream(ctx context.Context, c stubs) error {
	stream, err := c.test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %w", err)
	}
	_, err = stream.Recv()
	return expectEOF("Recv after the half-close", err)
}
