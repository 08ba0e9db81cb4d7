package testrpc

import (
	"context"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// Full method names of grpc.testing.TestService, as sent in :path.
const (
	TestService_EmptyCall_FullMethodName           = "/grpc.testing.TestService/EmptyCall"
	TestService_UnaryCall_FullMethodName           = "/grpc.testing.TestService/UnaryCall"
	TestService_StreamingOutputCall_FullMethodName = "/grpc.testing.TestService/StreamingOutputCall"
	TestService_StreamingInputCall_FullMethodName  = "/grpc.testing.TestService/StreamingInputCall"
	TestService_FullDuplexCall_FullMethodName      = "/grpc.testing.TestService/FullDuplexCall"
	TestService_HalfDuplexCall_FullMethodName      = "/grpc.testing.TestService/HalfDuplexCall"
	TestService_UnimplementedCall_FullMethodName   = "/grpc.testing.TestService/UnimplementedCall"
)

// Typed streams of TestService, named as protoc-gen-go-grpc names them.
type (
	TestService_StreamingOutputCallServer = ServerStreamingServer[testpb.StreamingOutputCallResponse]
	TestService_StreamingInputCallServer  = ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]
	TestService_FullDuplexCallServer      = BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
	TestService_HalfDuplexCallServer      = BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
)

// TestServiceServer is the server API of grpc.testing.TestService.
type TestServiceServer interface {
	// EmptyCall: one empty request, one empty response.
	EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error)
	// UnaryCall: one request, one response.
	UnaryCall(context.Context, *testpb.SimpleRequest) (*testpb.SimpleResponse, error)
	// StreamingOutputCall: one request, a stream of responses.
	StreamingOutputCall(*testpb.StreamingOutputCallRequest, TestService_StreamingOutputCallServer) error
	// StreamingInputCall: a stream of requests, one response.
	StreamingInputCall(TestService_StreamingInputCallServer) error
	// FullDuplexCall: each request is answered as it arrives.
	FullDuplexCall(TestService_FullDuplexCallServer) error
	// HalfDuplexCall: the requests are answered once the client half-closes.
	HalfDuplexCall(TestService_HalfDuplexCallServer) error
	// UnimplementedCall is a method servers do not implement.
	UnimplementedCall(context.Context, *testpb.Empty) (*testpb.Empty, error)
}

// UnimplementedTestServiceServer answers every method with Unimplemented;
// embed it to implement only some of them.
type UnimplementedTestServiceServer struct{}

func unimplemented(method string) error {
	return status.Errorf(codes.Unimplemented, "method %s not implemented", method)
}

func (UnimplementedTestServiceServer) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return nil, unimplemented("EmptyCall")
}

func (UnimplementedTestServiceServer) UnaryCall(context.Context, *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return nil, unimplemented("UnaryCall")
}

func (UnimplementedTestServiceServer) StreamingOutputCall(*testpb.StreamingOutputCallRequest, TestService_StreamingOutputCallServer) error {
	return unimplemented("StreamingOutputCall")
}

func (UnimplementedTestServiceServer) StreamingInputCall(TestService_StreamingInputCallServer) error {
	return unimplemented("StreamingInputCall")
}

func (UnimplementedTestServiceServer) FullDuplexCall(TestService_FullDuplexCallServer) error {
	return unimplemented("FullDuplexCall")
}

func (UnimplementedTestServiceServer) HalfDuplexCall(TestService_HalfDuplexCallServer) error {
	return unimplemented("HalfDuplexCall")
}

func (UnimplementedTestServiceServer) UnimplementedCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return nil, unimplemented("UnimplementedCall")
}

// RegisterTestServiceServer registers srv on s; call it before s.Serve.
func RegisterTestServiceServer(s *rpc.Server, srv TestServiceServer) {
	s.RegisterService(&TestService_ServiceDesc, srv)
}
