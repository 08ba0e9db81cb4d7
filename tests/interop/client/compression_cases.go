package main

import (
	"context"
	"fmt"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding/gzip"
)

// clientCompressedUnary: the server checks each request's compression
// against expect_compressed; a probe that claims compression without it
// is refused with INVALID_ARGUMENT.
func clientCompressedUnary(ctx context.Context, c stubs) error {
	request := func(expect bool) *testpb.SimpleRequest {
		return &testpb.SimpleRequest{
			ResponseType:     testpb.PayloadType_COMPRESSABLE,
			ResponseSize:     largeResponseSize,
			Payload:          zeros(largeRequestSize),
			ExpectCompressed: &testpb.BoolValue{Value: expect},
		}
	}
	_, err := c.test.UnaryCall(ctx, request(true))
	if err := expectCode("probe: UnaryCall claiming compression, uncompressed", err, codes.InvalidArgument); err != nil {
		return err
	}
	reply, err := c.test.UnaryCall(ctx, request(true), rpc.UseCompressor(gzip.Name))
	if err != nil {
		return fmt.Errorf("UnaryCall, compressed: %w", err)
	}
	if err := expectPayload("UnaryCall, compressed", reply.GetPayload(), largeResponseSize); err != nil {
		return err
	}
	reply, err = c.test.UnaryCall(ctx, request(false))
	if err != nil {
		return fmt.Errorf("UnaryCall, uncompressed: %w", err)
	}
	return expectPayload("UnaryCall, uncompressed", reply.GetPayload(), largeResponseSize)
}

// serverCompressedUnary: the server compresses the response when asked,
// and not otherwise; both decode to the same payload.
func serverCompressedUnary(ctx context.Context, c stubs) error {
	for _, compressed := range []bool{true, false} {
		what := fmt.Sprintf("UnaryCall, response_compressed %v", compressed)
		reply, err := c.test.UnaryCall(ctx, &testpb.SimpleRequest{
			ResponseType:       testpb.PayloadType_COMPRESSABLE,
			ResponseSize:       largeResponseSize,
			Payload:            zeros(largeRequestSize),
			ResponseCompressed: &testpb.BoolValue{Value: compressed},
		})
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := expectPayload(what, reply.GetPayload(), largeResponseSize); err != nil {
			return err
		}
	}
	return nil
}

// clientCompressedStreaming: compression is chosen message by message on
// one stream; the server checks each against expect_compressed.
func clientCompressedStreaming(ctx context.Context, c stubs) error {
	probe, err := c.test.StreamingInputCall(ctx)
	if err != nil {
		return fmt.Errorf("probe: StreamingInputCall: %w", err)
	}
	_ = probe.Send(&testpb.StreamingInputCallRequest{Payload: zeros(27182), ExpectCompressed: &testpb.BoolValue{Value: true}})
	_, err = probe.CloseAndRecv()
	if err := expectCode("probe: a streamed request claiming compression, uncompressed", err, codes.InvalidArgument); err != nil {
		return err
	}

	stream, err := c.test.StreamingInputCall(ctx, rpc.UseCompressor(gzip.Name))
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %w", err)
	}
	for _, m := range []struct {
		size       int
		compressed bool
	}{{27182, true}, {45904, false}} {
		if err := rpc.SetMessageCompression(stream.Context(), m.compressed); err != nil {
			return err
		}
		req := &testpb.StreamingInputCallRequest{Payload: zeros(m.size), ExpectCompressed: &testpb.BoolValue{Value: m.compressed}}
		if err := stream.Send(req); err != nil {
			return fmt.Errorf("StreamingInputCall: sending %d bytes (compressed %v): %w", m.size, m.compressed, err)
		}
	}
	reply, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %w", err)
	}
	if got := reply.GetAggregatedPayloadSize(); got != 73086 {
		return fmt.Errorf("StreamingInputCall: aggregated size %d, want 73086", got)
	}
	return nil
}

// serverCompressedStreaming: the first response is compressed, the second
// not, and the client sees each message's compressed flag.
func serverCompressedStreaming(ctx context.Context, c stubs) error {
	params := []struct {
		size       int32
		compressed bool
	}{{31415, true}, {92653, false}}
	req := &testpb.StreamingOutputCallRequest{ResponseType: testpb.PayloadType_COMPRESSABLE}
	for _, p := range params {
		req.ResponseParameters = append(req.ResponseParameters, &testpb.ResponseParameters{Size: p.size, Compressed: &testpb.BoolValue{Value: p.compressed}})
	}
	stream, err := c.test.StreamingOutputCall(ctx, req)
	if err != nil {
		return fmt.Errorf("StreamingOutputCall: %w", err)
	}
	for i, p := range params {
		what := fmt.Sprintf("StreamingOutputCall response %d", i)
		reply, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := expectPayload(what, reply.GetPayload(), int(p.size)); err != nil {
			return err
		}
		if got := rpc.RecvCompressed(stream.Context()); got != p.compressed {
			return fmt.Errorf("%s: compressed flag %v, want %v", what, got, p.compressed)
		}
	}
	_, err = stream.Recv()
	return expectEOF("StreamingOutputCall", err)
}
