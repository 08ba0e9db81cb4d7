package echopb

import (
	"context"

	"github.com/actorpc/actorpc/rpc"
)

// Full method names, as sent in the :path header. They are exported like
// grpc-go's generated constants so interceptors and tests can match on them.
const (
	Echo_UnaryEcho_FullMethodName                  = "/grpc.examples.echo.Echo/UnaryEcho"
	Echo_ServerStreamingEcho_FullMethodName        = "/grpc.examples.echo.Echo/ServerStreamingEcho"
	Echo_ClientStreamingEcho_FullMethodName        = "/grpc.examples.echo.Echo/ClientStreamingEcho"
	Echo_BidirectionalStreamingEcho_FullMethodName = "/grpc.examples.echo.Echo/BidirectionalStreamingEcho"
)

// EchoServer is the server API for the Echo service. It is hand-written in
// the shape protoc-gen-go-grpc generates, so grpc-go echo servers port by
// changing imports.
type EchoServer interface {
	UnaryEcho(context.Context, *EchoRequest) (*EchoResponse, error)
	ServerStreamingEcho(*EchoRequest, Echo_ServerStreamingEchoServer) error
	ClientStreamingEcho(Echo_ClientStreamingEchoServer) error
	BidirectionalStreamingEcho(Echo_BidirectionalStreamingEchoServer) error
}

// RegisterEchoServer registers srv on s. Like grpc-go, it must be called
// before s.Serve.
func RegisterEchoServer(s *rpc.Server, srv EchoServer) {
	s.RegisterService(&Echo_ServiceDesc, srv)
}

// Echo_ServiceDesc is the rpc.ServiceDesc for the Echo service. The stream
// order matters to clients: NewEchoClient indexes Streams.
var Echo_ServiceDesc = rpc.ServiceDesc{
	ServiceName: "grpc.examples.echo.Echo",
	HandlerType: (*EchoServer)(nil),
	Methods: []rpc.MethodDesc{
		{MethodName: "UnaryEcho", Handler: unaryEchoHandler},
	},
	Streams: []rpc.StreamDesc{
		{StreamName: "ServerStreamingEcho", Handler: serverStreamingEchoHandler, ServerStreams: true},
		{StreamName: "ClientStreamingEcho", Handler: clientStreamingEchoHandler, ClientStreams: true},
		{StreamName: "BidirectionalStreamingEcho", Handler: bidirectionalStreamingEchoHandler, ServerStreams: true, ClientStreams: true},
	},
	Metadata: "echo.proto",
}

// unaryEchoHandler decodes the request and runs UnaryEcho, through the
// server's interceptor when it has one.
func unaryEchoHandler(srv any, ctx context.Context, dec func(any) error, interceptor rpc.UnaryServerInterceptor) (any, error) {
	in := new(EchoRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(EchoServer).UnaryEcho(ctx, in)
	}
	info := &rpc.UnaryServerInfo{Server: srv, FullMethod: Echo_UnaryEcho_FullMethodName}
	handler := func(ctx context.Context, req any) (any, error) {
		return srv.(EchoServer).UnaryEcho(ctx, req.(*EchoRequest))
	}
	return interceptor(ctx, in, info, handler)
}

// serverStreamingEchoHandler receives the single request before calling
// the implementation, which then only sends.
func serverStreamingEchoHandler(srv any, stream rpc.ServerStream) error {
	in := new(EchoRequest)
	if err := stream.RecvMsg(in); err != nil {
		return err
	}
	return srv.(EchoServer).ServerStreamingEcho(in, &echoServerStream{stream})
}

func clientStreamingEchoHandler(srv any, stream rpc.ServerStream) error {
	return srv.(EchoServer).ClientStreamingEcho(&echoServerStream{stream})
}

func bidirectionalStreamingEchoHandler(srv any, stream rpc.ServerStream) error {
	return srv.(EchoServer).BidirectionalStreamingEcho(&echoServerStream{stream})
}

// Echo_ServerStreamingEchoServer is the server side of ServerStreamingEcho.
type Echo_ServerStreamingEchoServer interface {
	Send(*EchoResponse) error
	rpc.ServerStream
}

// Echo_ClientStreamingEchoServer is the server side of ClientStreamingEcho.
type Echo_ClientStreamingEchoServer interface {
	SendAndClose(*EchoResponse) error
	Recv() (*EchoRequest, error)
	rpc.ServerStream
}

// Echo_BidirectionalStreamingEchoServer is the server side of
// BidirectionalStreamingEcho.
type Echo_BidirectionalStreamingEchoServer interface {
	Send(*EchoResponse) error
	Recv() (*EchoRequest, error)
	rpc.ServerStream
}

// echoServerStream types the messages of an rpc.ServerStream. One type
// serves all three streaming methods; each interface exposes only its part.
type echoServerStream struct {
	rpc.ServerStream
}

func (x *echoServerStream) Send(m *EchoResponse) error {
	return x.ServerStream.SendMsg(m)
}

// SendAndClose sends the only response of a client-streaming call; the
// status follows when the handler returns, as in grpc-go.
func (x *echoServerStream) SendAndClose(m *EchoResponse) error {
	return x.ServerStream.SendMsg(m)
}

// Recv returns io.EOF once the client has half-closed.
func (x *echoServerStream) Recv() (*EchoRequest, error) {
	m := new(EchoRequest)
	if err := x.ServerStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}
