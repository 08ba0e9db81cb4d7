package rpc

import (
	"context"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// serverStream is the ServerStream handlers see: the stream plus the
// server's codec and limits.
type serverStream struct {
	ss     *streamactor.ServerStream
	codec  serverOptions
	method string
}

type serverStreamKey struct{}

func (s *serverStream) Context() context.Context        { return s.ss.Context() }
func (s *serverStream) SetHeader(md metadata.MD) error  { return s.ss.SetHeader(md) }
func (s *serverStream) SendHeader(md metadata.MD) error { return s.ss.SendHeader(md) }
func (s *serverStream) SetTrailer(md metadata.MD)       { s.ss.SetTrailer(md) }

func (s *serverStream) SendMsg(m any) error {
	payload, err := s.codec.codec.Marshal(m)
	if err != nil {
		return status.Errorf(codes.Internal, "grpc: error while marshaling: %v", err)
	}
	if len(payload) > s.codec.maxSendMsgSize {
		return status.Errorf(codes.ResourceExhausted, "grpc: trying to send message larger than max (%d vs. %d)", len(payload), s.codec.maxSendMsgSize)
	}
	return s.ss.SendMsg(payload)
}

func (s *serverStream) RecvMsg(m any) error {
	msg, err := s.ss.RecvMsg()
	if err != nil {
		return err
	}
	if msg.Compressed {
		return status.Error(codes.Internal, "grpc: received a compressed message but no grpc-encoding was negotiated")
	}
	if err := s.codec.codec.Unmarshal(msg.Payload, m); err != nil {
		return status.Errorf(codes.Internal, "grpc: error unmarshalling request: %v", err)
	}
	return nil
}

// SetHeader merges md into the response headers of the call in ctx (for
// unary handlers; streaming handlers use their stream).
func SetHeader(ctx context.Context, md metadata.MD) error {
	s, ok := ctx.Value(serverStreamKey{}).(*serverStream)
	if !ok {
		return status.Errorf(codes.Internal, "rpc: SetHeader: no call in the context")
	}
	return s.SetHeader(md)
}

// SendHeader sends the response headers of the call in ctx now.
func SendHeader(ctx context.Context, md metadata.MD) error {
	s, ok := ctx.Value(serverStreamKey{}).(*serverStream)
	if !ok {
		return status.Errorf(codes.Internal, "rpc: SendHeader: no call in the context")
	}
	return s.SendHeader(md)
}

// SetTrailer merges md into the trailers of the call in ctx.
func SetTrailer(ctx context.Context, md metadata.MD) error {
	s, ok := ctx.Value(serverStreamKey{}).(*serverStream)
	if !ok {
		return status.Errorf(codes.Internal, "rpc: SetTrailer: no call in the context")
	}
	s.SetTrailer(md)
	return nil
}
