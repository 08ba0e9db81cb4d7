package rpc

import (
	"context"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// ServerStream is the server's side of one call.
type ServerStream interface {
	// SetHeader merges md into the response headers; they are sent with the
	// first message, SendHeader, or the status, whichever comes first.
	SetHeader(md metadata.MD) error
	// SendHeader sends the response headers now.
	SendHeader(md metadata.MD) error
	// SetTrailer merges md into the trailers sent with the status.
	SetTrailer(md metadata.MD)
	Context() context.Context
	SendMsg(m any) error
	// RecvMsg returns io.EOF when the client has half-closed.
	RecvMsg(m any) error
}

// ClientStream is the client's side of one streaming call.
type ClientStream interface {
	// Header waits for the response headers (or the end of the call).
	Header() (metadata.MD, error)
	// Trailer is valid once RecvMsg has returned a non-nil error.
	Trailer() metadata.MD
	CloseSend() error
	Context() context.Context
	SendMsg(m any) error
	// RecvMsg returns io.EOF when the call ended with status OK, or the
	// status as an error.
	RecvMsg(m any) error
}
