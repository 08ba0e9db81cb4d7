package rpc

import (
	"context"
	"io"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// NewStream starts a streaming call. The stream ends when RecvMsg returns
// an error (io.EOF for status OK), or when ctx is cancelled: cancel ctx
// when abandoning a stream early, as with grpc-go.
func (cc *ClientConn) NewStream(ctx context.Context, desc *StreamDesc, method string, opts ...CallOption) (ClientStream, error) {
	ci := newCallInfo(cc.opts.callOptions, opts)
	comp, err := ci.sendCompressor()
	if err != nil {
		return nil, err
	}
	var cs *streamactor.ClientStream
	err = cc.withConn(ctx, func(conn *connactor.Conn) (*status.Status, bool) {
		var st *status.Status
		cs, st = streamactor.NewClientStream(ctx, conn, cc.requestHead(ctx, method, comp), ci.maxRecvMsgSize)
		return st, st != nil && ctx.Err() == nil
	})
	if err != nil {
		return nil, err
	}
	s := &clientStream{cs: cs, ci: ci, desc: desc, comp: comp}
	s.ctx = context.WithValue(ctx, clientStreamKey{}, s)
	return s, nil
}

type clientStreamKey struct{}

// clientStream is the ClientStream applications use: the stream actor's
// handle plus the codec, limits and the grpc-go conventions (io.EOF).
type clientStream struct {
	ctx  context.Context
	cs   *streamactor.ClientStream
	ci   callInfo
	desc *StreamDesc
	comp encoding.Compressor // compresses what we send; nil for none
	// Owned by the sending goroutine.
	compressOff bool
	// Owned by the receiving goroutine.
	received       int
	lastCompressed bool
}

// Context is the call's context; SetMessageCompression accepts it.
func (s *clientStream) Context() context.Context { return s.ctx }

func (s *clientStream) Header() (metadata.MD, error) {
	md, st := s.cs.Header()
	if st != nil {
		return nil, st.Err()
	}
	return md, nil
}

func (s *clientStream) Trailer() metadata.MD { return s.cs.Trailer() }

func (s *clientStream) CloseSend() error {
	s.cs.CloseSend()
	return nil
}

// SendMsg sends m. When the call has already ended it returns io.EOF, and
// RecvMsg tells the status, as in grpc-go.
func (s *clientStream) SendMsg(m any) error {
	comp := s.comp
	if s.compressOff {
		comp = nil
	}
	framed, err := frameMessage(s.ci.codec, comp, m, s.ci.maxSendMsgSize)
	if err != nil {
		return err
	}
	st := s.cs.Send(framed)
	switch {
	case st == nil:
		return nil
	case st.Code() == codes.Internal && st.Message() == "SendMsg called after CloseSend":
		return st.Err()
	case !s.desc.ClientStreams:
		// As grpc-go: generated code for a call with one request returns
		// SendMsg's error as the call's, so the status is left to RecvMsg.
		return nil
	default:
		return io.EOF
	}
}

// RecvMsg receives into m. It returns io.EOF when the call ended with
// status OK, otherwise the status error.
func (s *clientStream) RecvMsg(m any) error {
	msg, st := s.cs.Recv()
	if st != nil {
		if st.Code() == codes.OK {
			if !s.desc.ServerStreams && s.received == 0 {
				return status.Error(codes.Internal, "cardinality violation: the server sent no response message")
			}
			return io.EOF
		}
		return st.Err()
	}
	s.received++
	s.lastCompressed = msg.Compressed
	payload, err := inflate(msg.Payload, msg.Compressed, s.cs.Encoding(), s.ci.maxRecvMsgSize, codes.Internal)
	if err != nil {
		return err
	}
	if err := s.ci.codec.Unmarshal(payload, m); err != nil {
		return status.Errorf(codes.Internal, "grpc: failed to unmarshal the received message: %v", err)
	}
	if !s.desc.ServerStreams {
		// One response is all there is: its call succeeded only if the
		// status that follows is OK (grpc-go reads on to it too).
		if _, st := s.cs.Recv(); st == nil {
			return status.Error(codes.Internal, "cardinality violation: expected <EOF> after the only response message")
		} else if st.Code() != codes.OK {
			return st.Err()
		}
	}
	return nil
}
