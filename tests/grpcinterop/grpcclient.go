package grpcinterop

import (
	"context"

	"google.golang.org/grpc"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// GRPCEchoClient is the grpc-go client API of grpc.examples.echo.Echo, in
// the shape protoc-gen-go-grpc generates.
type GRPCEchoClient interface {
	UnaryEcho(ctx context.Context, in *echopb.EchoRequest, opts ...grpc.CallOption) (*echopb.EchoResponse, error)
	ServerStreamingEcho(ctx context.Context, in *echopb.EchoRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[echopb.EchoResponse], error)
	ClientStreamingEcho(ctx context.Context, opts ...grpc.CallOption) (grpc.ClientStreamingClient[echopb.EchoRequest, echopb.EchoResponse], error)
	BidirectionalStreamingEcho(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[echopb.EchoRequest, echopb.EchoResponse], error)
}

type grpcEchoClient struct {
	cc grpc.ClientConnInterface
}

// NewGRPCEchoClient returns a GRPCEchoClient making its calls on cc.
func NewGRPCEchoClient(cc grpc.ClientConnInterface) GRPCEchoClient {
	return grpcEchoClient{cc}
}

func (c grpcEchoClient) UnaryEcho(ctx context.Context, in *echopb.EchoRequest, opts ...grpc.CallOption) (*echopb.EchoResponse, error) {
	out := new(echopb.EchoResponse)
	if err := c.cc.Invoke(ctx, echopb.Echo_UnaryEcho_FullMethodName, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

func (c grpcEchoClient) ServerStreamingEcho(ctx context.Context, in *echopb.EchoRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[echopb.EchoResponse], error) {
	stream, err := c.cc.NewStream(ctx, &GRPCEchoServiceDesc.Streams[0], echopb.Echo_ServerStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[echopb.EchoRequest, echopb.EchoResponse]{ClientStream: stream}
	if err := x.ClientStream.SendMsg(in); err != nil {
		return nil, err
	}
	if err := x.ClientStream.CloseSend(); err != nil {
		return nil, err
	}
	return x, nil
}

func (c grpcEchoClient) ClientStreamingEcho(ctx context.Context, opts ...grpc.CallOption) (grpc.ClientStreamingClient[echopb.EchoRequest, echopb.EchoResponse], error) {
	stream, err := c.cc.NewStream(ctx, &GRPCEchoServiceDesc.Streams[1], echopb.Echo_ClientStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	return &grpc.GenericClientStream[echopb.EchoRequest, echopb.EchoResponse]{ClientStream: stream}, nil
}

func (c grpcEchoClient) BidirectionalStreamingEcho(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[echopb.EchoRequest, echopb.EchoResponse], error) {
	stream, err := c.cc.NewStream(ctx, &GRPCEchoServiceDesc.Streams[2], echopb.Echo_BidirectionalStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	return &grpc.GenericClientStream[echopb.EchoRequest, echopb.EchoResponse]{ClientStream: stream}, nil
}
