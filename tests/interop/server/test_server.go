package main

import (
	"context"
	"errors"
	"io"
	"time"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/tests/interop/testrpc"
)

// testServer implements grpc.testing.TestService as grpc-go's interop
// server does. Every call echoes x-grpc-test-echo-initial and
// x-grpc-test-echo-trailing-bin; a request's response_status ends its call
// with that status. UnimplementedCall is left unimplemented.
type testServer struct {
	testrpc.UnimplementedTestServiceServer
}

func (testServer) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	if err := echoMetadata(ctx, unaryMetadata{ctx}); err != nil {
		return nil, err
	}
	return &testpb.Empty{}, nil
}

func (testServer) UnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	if err := checkCompression(ctx, in.GetExpectCompressed()); err != nil {
		return nil, err
	}
	if err := compressResponses(ctx, in.GetResponseCompressed().GetValue()); err != nil {
		return nil, err
	}
	if err := useCompression(ctx, in.GetResponseCompressed()); err != nil {
		return nil, err
	}
	if err := echoMetadata(ctx, unaryMetadata{ctx}); err != nil {
		return nil, err
	}
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return nil, err
	}
	pl, err := newPayload(in.GetResponseType(), in.GetResponseSize())
	if err != nil {
		return nil, err
	}
	return &testpb.SimpleResponse{Payload: pl}, nil
}

func (testServer) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, stream testrpc.TestService_StreamingOutputCallServer) error {
	if err := compressResponses(stream.Context(), anyCompressed(in)); err != nil {
		return err
	}
	if err := echoMetadata(stream.Context(), stream); err != nil {
		return err
	}
	return respond(stream, in)
}

func (testServer) StreamingInputCall(stream testrpc.TestService_StreamingInputCallServer) error {
	if err := echoMetadata(stream.Context(), stream); err != nil {
		return err
	}
	var sum int
	for {
		in, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)})
		}
		if err != nil {
			return err
		}
		if err := checkCompression(stream.Context(), in.GetExpectCompressed()); err != nil {
			return err
		}
		sum += len(in.GetPayload().GetBody())
	}
}

// FullDuplexCall answers each request as it arrives, and ends with OK once
// the client has half-closed.
func (testServer) FullDuplexCall(stream testrpc.TestService_FullDuplexCallServer) error {
	if err := echoMetadata(stream.Context(), stream); err != nil {
		return err
	}
	for {
		in, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := respond(stream, in); err != nil {
			return err
		}
	}
}

// HalfDuplexCall answers the requests once the client has half-closed.
func (testServer) HalfDuplexCall(stream testrpc.TestService_HalfDuplexCallServer) error {
	if err := echoMetadata(stream.Context(), stream); err != nil {
		return err
	}
	var requests []*testpb.StreamingOutputCallRequest
	for {
		in, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		requests = append(requests, in)
	}
	for _, in := range requests {
		if err := respond(stream, in); err != nil {
			return err
		}
	}
	return nil
}

// responseSender is a stream that sends StreamingOutputCallResponses.
type responseSender interface {
	Send(*testpb.StreamingOutputCallResponse) error
	Context() context.Context
}

// respond sends one response for each of the request's response
// parameters, each after its interval, or ends the call with the
// request's response_status.
func respond(stream responseSender, in *testpb.StreamingOutputCallRequest) error {
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return err
	}
	for _, p := range in.GetResponseParameters() {
		if err := sleep(stream.Context(), time.Duration(p.GetIntervalUs())*time.Microsecond); err != nil {
			return err
		}
		pl, err := newPayload(in.GetResponseType(), p.GetSize())
		if err != nil {
			return err
		}
		if err := useCompression(stream.Context(), p.GetCompressed()); err != nil {
			return err
		}
		if err := stream.Send(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
			return err
		}
	}
	return nil
}
