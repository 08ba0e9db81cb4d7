package rpc

import "context"

// ServiceDesc describes a service for RegisterService: its methods and
// streams, in the shape grpc-go's generated code uses, so that a service
// written for grpc-go ports by changing imports.
type ServiceDesc struct {
	ServiceName string
	// HandlerType is a pointer to the service interface; RegisterService
	// checks that the implementation satisfies it.
	HandlerType any
	Methods     []MethodDesc
	Streams     []StreamDesc
	Metadata    any
}

// MethodDesc describes a unary method.
type MethodDesc struct {
	MethodName string
	Handler    MethodHandler
}

// MethodHandler runs one unary call: dec decodes the request into its
// argument, interceptor (may be nil) wraps the call to the implementation.
type MethodHandler func(srv any, ctx context.Context, dec func(any) error, interceptor UnaryServerInterceptor) (any, error)

// StreamDesc describes a streaming method, on both sides of a call.
type StreamDesc struct {
	StreamName    string
	Handler       StreamHandler
	ServerStreams bool
	ClientStreams bool
}

// StreamHandler runs one streaming call on the server.
type StreamHandler func(srv any, stream ServerStream) error

// UnaryServerInfo tells an interceptor which call it wraps.
type UnaryServerInfo struct {
	Server     any
	FullMethod string
}

// UnaryHandler is the implementation an interceptor calls.
type UnaryHandler func(ctx context.Context, req any) (any, error)

// UnaryServerInterceptor wraps every unary call of a server.
type UnaryServerInterceptor func(ctx context.Context, req any, info *UnaryServerInfo, handler UnaryHandler) (any, error)

// StreamServerInfo tells a stream interceptor which call it wraps.
type StreamServerInfo struct {
	FullMethod     string
	IsClientStream bool
	IsServerStream bool
}

// StreamServerInterceptor wraps every streaming call of a server.
type StreamServerInterceptor func(srv any, ss ServerStream, info *StreamServerInfo, handler StreamHandler) error
