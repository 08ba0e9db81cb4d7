package echopb

import (
	"context"

	"github.com/actorpc/actorpc/rpc"
)

// EchoClient is the client API for the Echo service, in the shape
// protoc-gen-go-grpc generates.
type EchoClient interface {
	UnaryEcho(ctx context.Context, in *EchoRequest, opts ...rpc.CallOption) (*EchoResponse, error)
	ServerStreamingEcho(ctx context.Context, in *EchoRequest, opts ...rpc.CallOption) (Echo_ServerStreamingEchoClient, error)
	ClientStreamingEcho(ctx context.Context, opts ...rpc.CallOption) (Echo_ClientStreamingEchoClient, error)
	BidirectionalStreamingEcho(ctx context.Context, opts ...rpc.CallOption) (Echo_BidirectionalStreamingEchoClient, error)
}

// echoClient takes an interface rather than *rpc.ClientConn so tests and
// wrappers can substitute their own connection.
type echoClient struct {
	cc rpc.ClientConnInterface
}

// NewEchoClient returns an EchoClient that makes its calls on cc.
func NewEchoClient(cc rpc.ClientConnInterface) EchoClient {
	return &echoClient{cc}
}

func (c *echoClient) UnaryEcho(ctx context.Context, in *EchoRequest, opts ...rpc.CallOption) (*EchoResponse, error) {
	out := new(EchoResponse)
	if err := c.cc.Invoke(ctx, Echo_UnaryEcho_FullMethodName, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// ServerStreamingEcho sends the request and half-closes before returning,
// so the caller only receives.
func (c *echoClient) ServerStreamingEcho(ctx context.Context, in *EchoRequest, opts ...rpc.CallOption) (Echo_ServerStreamingEchoClient, error) {
	stream, err := c.cc.NewStream(ctx, &Echo_ServiceDesc.Streams[0], Echo_ServerStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	x := &echoClientStream{stream}
	if err := x.ClientStream.SendMsg(in); err != nil {
		return nil, err
	}
	if err := x.ClientStream.CloseSend(); err != nil {
		return nil, err
	}
	return x, nil
}

func (c *echoClient) ClientStreamingEcho(ctx context.Context, opts ...rpc.CallOption) (Echo_ClientStreamingEchoClient, error) {
	stream, err := c.cc.NewStream(ctx, &Echo_ServiceDesc.Streams[1], Echo_ClientStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	return &echoClientStream{stream}, nil
}

func (c *echoClient) BidirectionalStreamingEcho(ctx context.Context, opts ...rpc.CallOption) (Echo_BidirectionalStreamingEchoClient, error) {
	stream, err := c.cc.NewStream(ctx, &Echo_ServiceDesc.Streams[2], Echo_BidirectionalStreamingEcho_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	return &echoClientStream{stream}, nil
}

// Echo_ServerStreamingEchoClient is the client side of ServerStreamingEcho.
type Echo_ServerStreamingEchoClient interface {
	Recv() (*EchoResponse, error)
	rpc.ClientStream
}

// Echo_ClientStreamingEchoClient is the client side of ClientStreamingEcho.
type Echo_ClientStreamingEchoClient interface {
	Send(*EchoRequest) error
	CloseAndRecv() (*EchoResponse, error)
	rpc.ClientStream
}

// Echo_BidirectionalStreamingEchoClient is the client side of
// BidirectionalStreamingEcho.
type Echo_BidirectionalStreamingEchoClient interface {
	Send(*EchoRequest) error
	Recv() (*EchoResponse, error)
	rpc.ClientStream
}

// echoClientStream types the messages of an rpc.ClientStream. One type
// serves all three streaming methods; each interface exposes only its part.
type echoClientStream struct {
	rpc.ClientStream
}

func (x *echoClientStream) Send(m *EchoRequest) error {
	return x.ClientStream.SendMsg(m)
}

// Recv returns io.EOF when the call ended with status OK, or the status as
// an error.
func (x *echoClientStream) Recv() (*EchoResponse, error) {
	m := new(EchoResponse)
	if err := x.ClientStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// CloseAndRecv half-closes and waits for the single response. For a
// client-streaming StreamDesc, RecvMsg also waits for the status, so a
// non-OK status is returned even when a response arrived first.
func (x *echoClientStream) CloseAndRecv() (*EchoResponse, error) {
	if err := x.ClientStream.CloseSend(); err != nil {
		return nil, err
	}
	return x.Recv()
}
