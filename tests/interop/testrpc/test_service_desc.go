package testrpc

import (
	"context"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
)

// TestService_ServiceDesc is the rpc.ServiceDesc of grpc.testing.TestService.
// The order of Streams matters: the client indexes it.
var TestService_ServiceDesc = rpc.ServiceDesc{
	ServiceName: "grpc.testing.TestService",
	HandlerType: (*TestServiceServer)(nil),
	Methods: []rpc.MethodDesc{
		{
			MethodName: "EmptyCall",
			Handler: unaryHandler(TestService_EmptyCall_FullMethodName, func(srv any, ctx context.Context, in *testpb.Empty) (*testpb.Empty, error) {
				return srv.(TestServiceServer).EmptyCall(ctx, in)
			}),
		},
		{
			MethodName: "UnaryCall",
			Handler: unaryHandler(TestService_UnaryCall_FullMethodName, func(srv any, ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
				return srv.(TestServiceServer).UnaryCall(ctx, in)
			}),
		},
		{
			MethodName: "UnimplementedCall",
			Handler: unaryHandler(TestService_UnimplementedCall_FullMethodName, func(srv any, ctx context.Context, in *testpb.Empty) (*testpb.Empty, error) {
				return srv.(TestServiceServer).UnimplementedCall(ctx, in)
			}),
		},
	},
	Streams: []rpc.StreamDesc{
		{
			StreamName: "StreamingOutputCall",
			Handler: serverStreamingHandler(func(srv any, in *testpb.StreamingOutputCallRequest, stream TestService_StreamingOutputCallServer) error {
				return srv.(TestServiceServer).StreamingOutputCall(in, stream)
			}),
			ServerStreams: true,
		},
		{
			StreamName: "StreamingInputCall",
			Handler: func(srv any, stream rpc.ServerStream) error {
				return srv.(TestServiceServer).StreamingInputCall(&serverStream[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]{stream})
			},
			ClientStreams: true,
		},
		{
			StreamName: "FullDuplexCall",
			Handler: func(srv any, stream rpc.ServerStream) error {
				return srv.(TestServiceServer).FullDuplexCall(&serverStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]{stream})
			},
			ServerStreams: true,
			ClientStreams: true,
		},
		{
			StreamName: "HalfDuplexCall",
			Handler: func(srv any, stream rpc.ServerStream) error {
				return srv.(TestServiceServer).HalfDuplexCall(&serverStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]{stream})
			},
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "grpc/testing/test.proto",
}
