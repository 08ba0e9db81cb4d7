package testrpc

import "github.com/actorpc/actorpc/rpc"

// ServerStreamingServer is the server side of a call with one request and
// a stream of responses.
type ServerStreamingServer[Res any] interface {
	Send(*Res) error
	rpc.ServerStream
}

// ClientStreamingServer is the server side of a call with a stream of
// requests and one response.
type ClientStreamingServer[Req, Res any] interface {
	// Recv returns io.EOF once the client has half-closed.
	Recv() (*Req, error)
	// SendAndClose sends the only response; the status follows when the
	// handler returns.
	SendAndClose(*Res) error
	rpc.ServerStream
}

// BidiStreamingServer is the server side of a call streaming both ways.
type BidiStreamingServer[Req, Res any] interface {
	Recv() (*Req, error)
	Send(*Res) error
	rpc.ServerStream
}

// ServerStreamingClient is the client side of a call with one request and
// a stream of responses.
type ServerStreamingClient[Res any] interface {
	// Recv returns io.EOF when the call ended with status OK, or the
	// status as an error.
	Recv() (*Res, error)
	rpc.ClientStream
}

// ClientStreamingClient is the client side of a call with a stream of
// requests and one response.
type ClientStreamingClient[Req, Res any] interface {
	Send(*Req) error
	// CloseAndRecv half-closes and waits for the response and the status.
	CloseAndRecv() (*Res, error)
	rpc.ClientStream
}

// BidiStreamingClient is the client side of a call streaming both ways.
type BidiStreamingClient[Req, Res any] interface {
	Send(*Req) error
	Recv() (*Res, error)
	rpc.ClientStream
}

// serverStream types the messages of an rpc.ServerStream; each of the
// interfaces above exposes only its part.
type serverStream[Req, Res any] struct {
	rpc.ServerStream
}

func (s *serverStream[Req, Res]) Send(m *Res) error         { return s.SendMsg(m) }
func (s *serverStream[Req, Res]) SendAndClose(m *Res) error { return s.SendMsg(m) }

func (s *serverStream[Req, Res]) Recv() (*Req, error) {
	m := new(Req)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// clientStream types the messages of an rpc.ClientStream.
type clientStream[Req, Res any] struct {
	rpc.ClientStream
}

func (s *clientStream[Req, Res]) Send(m *Req) error { return s.SendMsg(m) }

func (s *clientStream[Req, Res]) Recv() (*Res, error) {
	m := new(Res)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *clientStream[Req, Res]) CloseAndRecv() (*Res, error) {
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	return s.Recv()
}
