package testrpc

import (
	"context"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
)

// Typed client streams of TestService.
type (
	TestService_StreamingOutputCallClient = ServerStreamingClient[testpb.StreamingOutputCallResponse]
	TestService_StreamingInputCallClient  = ClientStreamingClient[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]
	TestService_FullDuplexCallClient      = BidiStreamingClient[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
	TestService_HalfDuplexCallClient      = BidiStreamingClient[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
)

// TestServiceClient is the client API of grpc.testing.TestService.
type TestServiceClient interface {
	EmptyCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error)
	UnaryCall(ctx context.Context, in *testpb.SimpleRequest, opts ...rpc.CallOption) (*testpb.SimpleResponse, error)
	StreamingOutputCall(ctx context.Context, in *testpb.StreamingOutputCallRequest, opts ...rpc.CallOption) (TestService_StreamingOutputCallClient, error)
	StreamingInputCall(ctx context.Context, opts ...rpc.CallOption) (TestService_StreamingInputCallClient, error)
	FullDuplexCall(ctx context.Context, opts ...rpc.CallOption) (TestService_FullDuplexCallClient, error)
	HalfDuplexCall(ctx context.Context, opts ...rpc.CallOption) (TestService_HalfDuplexCallClient, error)
	UnimplementedCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error)
}

type testServiceClient struct {
	cc rpc.ClientConnInterface
}

// NewTestServiceClient returns a TestServiceClient making its calls on cc.
func NewTestServiceClient(cc rpc.ClientConnInterface) TestServiceClient {
	return &testServiceClient{cc}
}

func (c *testServiceClient) EmptyCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error) {
	return newUnaryCall[testpb.Empty, testpb.Empty](ctx, c.cc, TestService_EmptyCall_FullMethodName, in, opts)
}

func (c *testServiceClient) UnaryCall(ctx context.Context, in *testpb.SimpleRequest, opts ...rpc.CallOption) (*testpb.SimpleResponse, error) {
	return newUnaryCall[testpb.SimpleRequest, testpb.SimpleResponse](ctx, c.cc, TestService_UnaryCall_FullMethodName, in, opts)
}

func (c *testServiceClient) UnimplementedCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error) {
	return newUnaryCall[testpb.Empty, testpb.Empty](ctx, c.cc, TestService_UnimplementedCall_FullMethodName, in, opts)
}

// StreamingOutputCall sends the request and half-closes before returning,
// so the caller only receives.
func (c *testServiceClient) StreamingOutputCall(ctx context.Context, in *testpb.StreamingOutputCallRequest, opts ...rpc.CallOption) (TestService_StreamingOutputCallClient, error) {
	stream, err := newStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse](ctx, c.cc, &TestService_ServiceDesc.Streams[0], TestService_StreamingOutputCall_FullMethodName, opts)
	if err != nil {
		return nil, err
	}
	if err := stream.Send(in); err != nil {
		return nil, err
	}
	if err := stream.CloseSend(); err != nil {
		return nil, err
	}
	return stream, nil
}

func (c *testServiceClient) StreamingInputCall(ctx context.Context, opts ...rpc.CallOption) (TestService_StreamingInputCallClient, error) {
	return newStream[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse](ctx, c.cc, &TestService_ServiceDesc.Streams[1], TestService_StreamingInputCall_FullMethodName, opts)
}

func (c *testServiceClient) FullDuplexCall(ctx context.Context, opts ...rpc.CallOption) (TestService_FullDuplexCallClient, error) {
	return newStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse](ctx, c.cc, &TestService_ServiceDesc.Streams[2], TestService_FullDuplexCall_FullMethodName, opts)
}

func (c *testServiceClient) HalfDuplexCall(ctx context.Context, opts ...rpc.CallOption) (TestService_HalfDuplexCallClient, error) {
	return newStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse](ctx, c.cc, &TestService_ServiceDesc.Streams[3], TestService_HalfDuplexCall_FullMethodName, opts)
}
