package rpc

// The stream types generated code names (protoc-gen-go-grpc v1.4 and later,
// protoc-gen-go-actorpc): one generic interface per call kind and side, and
// the two generic structs that implement them on top of ClientStream and
// ServerStream. Req and Res are the message types, used by pointer.

// ServerStreamingClient is the client side of a server-streaming call:
// Recv returns each response, then io.EOF when the call ended with OK.
type ServerStreamingClient[Res any] interface {
	Recv() (*Res, error)
	ClientStream
}

// ServerStreamingServer is the server side of a server-streaming call.
type ServerStreamingServer[Res any] interface {
	Send(*Res) error
	ServerStream
}

// ClientStreamingClient is the client side of a client-streaming call:
// Send each request, then CloseAndRecv for the one response.
type ClientStreamingClient[Req any, Res any] interface {
	Send(*Req) error
	CloseAndRecv() (*Res, error)
	ClientStream
}

// ClientStreamingServer is the server side of a client-streaming call:
// Recv each request until io.EOF, then SendAndClose the one response.
type ClientStreamingServer[Req any, Res any] interface {
	Recv() (*Req, error)
	SendAndClose(*Res) error
	ServerStream
}

// BidiStreamingClient is the client side of a bidirectional call.
type BidiStreamingClient[Req any, Res any] interface {
	Send(*Req) error
	Recv() (*Res, error)
	ClientStream
}

// BidiStreamingServer is the server side of a bidirectional call.
type BidiStreamingServer[Req any, Res any] interface {
	Recv() (*Req, error)
	Send(*Res) error
	ServerStream
}

// GenericClientStream types the messages of a ClientStream; it implements
// the three client interfaces above.
type GenericClientStream[Req any, Res any] struct {
	ClientStream
}

var (
	_ ServerStreamingClient[string]      = (*GenericClientStream[int, string])(nil)
	_ ClientStreamingClient[int, string] = (*GenericClientStream[int, string])(nil)
	_ BidiStreamingClient[int, string]   = (*GenericClientStream[int, string])(nil)
	_ ServerStreamingServer[string]      = (*GenericServerStream[int, string])(nil)
	_ ClientStreamingServer[int, string] = (*GenericServerStream[int, string])(nil)
	_ BidiStreamingServer[int, string]   = (*GenericServerStream[int, string])(nil)
)

// Send sends one request message.
func (x *GenericClientStream[Req, Res]) Send(m *Req) error {
	return x.ClientStream.SendMsg(m)
}

// Recv returns the next response, io.EOF when the call ended with status
// OK, or the status as an error.
func (x *GenericClientStream[Req, Res]) Recv() (*Res, error) {
	m := new(Res)
	if err := x.ClientStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// CloseAndRecv half-closes and waits for the one response of a
// client-streaming call; a non-OK status is returned even when a response
// arrived before it.
func (x *GenericClientStream[Req, Res]) CloseAndRecv() (*Res, error) {
	if err := x.ClientStream.CloseSend(); err != nil {
		return nil, err
	}
	m := new(Res)
	if err := x.ClientStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// GenericServerStream types the messages of a ServerStream; it implements
// the three server interfaces above.
type GenericServerStream[Req any, Res any] struct {
	ServerStream
}

// Send sends one response message.
func (x *GenericServerStream[Req, Res]) Send(m *Res) error {
	return x.ServerStream.SendMsg(m)
}

// SendAndClose sends the one response of a client-streaming call; the
// status follows when the handler returns, as in grpc-go.
func (x *GenericServerStream[Req, Res]) SendAndClose(m *Res) error {
	return x.ServerStream.SendMsg(m)
}

// Recv returns the next request, or io.EOF once the client half-closed.
func (x *GenericServerStream[Req, Res]) Recv() (*Req, error) {
	m := new(Req)
	if err := x.ServerStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}
