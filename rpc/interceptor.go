package rpc

import "context"

// UnaryInvoker makes a unary call; a UnaryClientInterceptor calls it (once,
// several times to retry, or not at all) to go on with the call.
type UnaryInvoker func(ctx context.Context, method string, req, reply any, cc *ClientConn, opts ...CallOption) error

// UnaryClientInterceptor wraps every unary call of a client. opts are the
// call's options, the client's defaults (WithDefaultCallOptions) first; it
// may pass more to invoker, and change ctx (its outgoing metadata, its
// deadline) before calling it.
type UnaryClientInterceptor func(ctx context.Context, method string, req, reply any, cc *ClientConn, invoker UnaryInvoker, opts ...CallOption) error

// Streamer opens a streaming call; a StreamClientInterceptor calls it to go
// on with the call.
type Streamer func(ctx context.Context, desc *StreamDesc, cc *ClientConn, method string, opts ...CallOption) (ClientStream, error)

// StreamClientInterceptor wraps the opening of every streaming call of a
// client; to see the call's messages it returns a ClientStream wrapping
// the one streamer returned.
type StreamClientInterceptor func(ctx context.Context, desc *StreamDesc, cc *ClientConn, method string, streamer Streamer, opts ...CallOption) (ClientStream, error)

// WithUnaryInterceptor sets the client's unary interceptor. With
// WithChainUnaryInterceptor too, it is the outermost one.
func WithUnaryInterceptor(f UnaryClientInterceptor) DialOption {
	return func(o *dialOptions) { o.unaryInt = f }
}

// WithStreamInterceptor sets the client's stream interceptor. With
// WithChainStreamInterceptor too, it is the outermost one.
func WithStreamInterceptor(f StreamClientInterceptor) DialOption {
	return func(o *dialOptions) { o.streamInt = f }
}

// WithChainUnaryInterceptor adds unary interceptors, after the one of
// WithUnaryInterceptor and those of earlier WithChainUnaryInterceptor
// options. The first is the outermost: it runs first and calls the next.
func WithChainUnaryInterceptor(interceptors ...UnaryClientInterceptor) DialOption {
	return func(o *dialOptions) { o.chainUnaryInts = append(o.chainUnaryInts, interceptors...) }
}

// WithChainStreamInterceptor adds stream interceptors, ordered as
// WithChainUnaryInterceptor's.
func WithChainStreamInterceptor(interceptors ...StreamClientInterceptor) DialOption {
	return func(o *dialOptions) { o.chainStreamInts = append(o.chainStreamInts, interceptors...) }
}

// ChainUnaryInterceptor adds unary server interceptors, after the one of
// UnaryInterceptor and those of earlier ChainUnaryInterceptor options.
// The first is the outermost.
func ChainUnaryInterceptor(interceptors ...UnaryServerInterceptor) ServerOption {
	return func(o *serverOptions) { o.chainUnaryInts = append(o.chainUnaryInts, interceptors...) }
}

// ChainStreamInterceptor adds stream server interceptors, ordered as
// ChainUnaryInterceptor's.
func ChainStreamInterceptor(interceptors ...StreamServerInterceptor) ServerOption {
	return func(o *serverOptions) { o.chainStreamInts = append(o.chainStreamInts, interceptors...) }
}

// withDefaultCallOptions is opts after the client's defaults, as the
// interceptors and the call see them (opts alone when there are none, so
// that the common case does not allocate).
func (cc *ClientConn) withDefaultCallOptions(opts []CallOption) []CallOption {
	defaults := cc.opts.callOptions
	if len(defaults) == 0 {
		return opts
	}
	return append(defaults[:len(defaults):len(defaults)], opts...)
}

// The chains below fold interceptors into one, the first outermost: it
// runs first, and what it calls on to is the second, and so on down to
// the real call. Each is nil for no interceptor, the one itself for one.

func chainUnaryClient(first UnaryClientInterceptor, rest []UnaryClientInterceptor) UnaryClientInterceptor {
	all := prepend(first, first != nil, rest)
	if len(all) <= 1 {
		return only(all)
	}
	return func(ctx context.Context, method string, req, reply any, cc *ClientConn, invoker UnaryInvoker, opts ...CallOption) error {
		next := invoker
		for i := len(all) - 1; i >= 0; i-- {
			interceptor, inner := all[i], next
			next = func(ctx context.Context, method string, req, reply any, cc *ClientConn, opts ...CallOption) error {
				return interceptor(ctx, method, req, reply, cc, inner, opts...)
			}
		}
		return next(ctx, method, req, reply, cc, opts...)
	}
}

func chainStreamClient(first StreamClientInterceptor, rest []StreamClientInterceptor) StreamClientInterceptor {
	all := prepend(first, first != nil, rest)
	if len(all) <= 1 {
		return only(all)
	}
	return func(ctx context.Context, desc *StreamDesc, cc *ClientConn, method string, streamer Streamer, opts ...CallOption) (ClientStream, error) {
		next := streamer
		for i := len(all) - 1; i >= 0; i-- {
			interceptor, inner := all[i], next
			next = func(ctx context.Context, desc *StreamDesc, cc *ClientConn, method string, opts ...CallOption) (ClientStream, error) {
				return interceptor(ctx, desc, cc, method, inner, opts...)
			}
		}
		return next(ctx, desc, cc, method, opts...)
	}
}

func chainUnaryServer(first UnaryServerInterceptor, rest []UnaryServerInterceptor) UnaryServerInterceptor {
	all := prepend(first, first != nil, rest)
	if len(all) <= 1 {
		return only(all)
	}
	return func(ctx context.Context, req any, info *UnaryServerInfo, handler UnaryHandler) (any, error) {
		next := handler
		for i := len(all) - 1; i >= 0; i-- {
			interceptor, inner := all[i], next
			next = func(ctx context.Context, req any) (any, error) { return interceptor(ctx, req, info, inner) }
		}
		return next(ctx, req)
	}
}

func chainStreamServer(first StreamServerInterceptor, rest []StreamServerInterceptor) StreamServerInterceptor {
	all := prepend(first, first != nil, rest)
	if len(all) <= 1 {
		return only(all)
	}
	return func(srv any, ss ServerStream, info *StreamServerInfo, handler StreamHandler) error {
		next := handler
		for i := len(all) - 1; i >= 0; i-- {
			interceptor, inner := all[i], next
			next = func(srv any, ss ServerStream) error { return interceptor(srv, ss, info, inner) }
		}
		return next(srv, ss)
	}
}

// prepend is rest with first before it when set, in a new slice.
func prepend[I any](first I, set bool, rest []I) []I {
	all := make([]I, 0, len(rest)+1)
	if set {
		all = append(all, first)
	}
	return append(all, rest...)
}

// only is the one interceptor of all, or nil for none.
func only[I any](all []I) I {
	var none I
	if len(all) == 0 {
		return none
	}
	return all[0]
}
