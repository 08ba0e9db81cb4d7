package testrpc

import (
	"context"

	"github.com/actorpc/actorpc/rpc"
)

// unaryHandler makes the rpc.MethodHandler of a unary method: it decodes
// the request and runs call, through the server's interceptor when it has
// one.
func unaryHandler[Req, Res any](fullMethod string, call func(srv any, ctx context.Context, req *Req) (*Res, error)) rpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor rpc.UnaryServerInterceptor) (any, error) {
		in := new(Req)
		if err := dec(in); err != nil {
			return nil, err
		}
		if interceptor == nil {
			return call(srv, ctx, in)
		}
		info := &rpc.UnaryServerInfo{Server: srv, FullMethod: fullMethod}
		handler := func(ctx context.Context, req any) (any, error) {
			return call(srv, ctx, req.(*Req))
		}
		return interceptor(ctx, in, info, handler)
	}
}

// serverStreamingHandler makes the rpc.StreamHandler of a method with one
// request: it receives the request before calling the implementation,
// which then only sends.
func serverStreamingHandler[Req, Res any](call func(srv any, req *Req, stream ServerStreamingServer[Res]) error) rpc.StreamHandler {
	return func(srv any, stream rpc.ServerStream) error {
		in := new(Req)
		if err := stream.RecvMsg(in); err != nil {
			return err
		}
		return call(srv, in, &serverStream[Req, Res]{stream})
	}
}

// newUnaryCall makes a unary call on cc.
func newUnaryCall[Req, Res any](ctx context.Context, cc rpc.ClientConnInterface, method string, in *Req, opts []rpc.CallOption) (*Res, error) {
	out := new(Res)
	if err := cc.Invoke(ctx, method, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// newStream starts a streaming call on cc and types its messages.
func newStream[Req, Res any](ctx context.Context, cc rpc.ClientConnInterface, desc *rpc.StreamDesc, method string, opts []rpc.CallOption) (*clientStream[Req, Res], error) {
	stream, err := cc.NewStream(ctx, desc, method, opts...)
	if err != nil {
		return nil, err
	}
	return &clientStream[Req, Res]{stream}, nil
}
