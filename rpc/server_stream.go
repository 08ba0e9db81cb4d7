package rpc

import (
	"context"
	"io"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// serverStream is the ServerStream handlers see: the stream plus the
// server's codec, limits and compression. It belongs to the goroutine
// running the handler, like the stream under it.
type serverStream struct {
	ss *streamactor.ServerStream
	// opts is the server's (fixed once NewServer returned): by pointer,
	// as a copy would add its 250 bytes to every call, idle ones included.
	opts   *serverOptions
	method string

	sendComp       encoding.Compressor // compresses responses; nil for none
	compressOff    bool                // SetMessageCompression(false)
	lastCompressed bool                // the last request message was compressed

	// singleRequest: the method is not client-streaming, so its client
	// sends exactly one request (grpc-go checks the same cardinality).
	singleRequest bool
	received      bool // a request message was received

	stats *serverStats // stats_server.go; nil without stats handlers
}

// The cardinality violations of a call that takes one request, worded as
// grpc-go's so clients see the same status from either server.
var (
	errNoRequest       = status.Error(codes.Internal, "cardinality violation: received no request message from non-client-streaming RPC")
	errTooManyRequests = status.Error(codes.Internal, "cardinality violation: received multiple request messages for non-client-streaming RPC")
)

type serverStreamKey struct{}

func (s *serverStream) Context() context.Context       { return s.ss.Context() }
func (s *serverStream) SetHeader(md metadata.MD) error { return s.ss.SetHeader(md) }
func (s *serverStream) SendHeader(md metadata.MD) error {
	sent := s.ss.HeaderSent()
	err := s.ss.SendHeader(md)
	if !sent && s.ss.HeaderSent() {
		s.stats.outHeader(s.ss)
	}
	return err
}
func (s *serverStream) SetTrailer(md metadata.MD) { s.ss.SetTrailer(md) }

func (s *serverStream) setSendCompressor(name string) error {
	if s.ss.HeaderSent() {
		return status.Error(codes.Internal, "rpc: SetSendCompressor after the response headers were sent")
	}
	if name == "" || name == encoding.Identity {
		s.sendComp, s.ss.SendEncoding = nil, ""
		return nil
	}
	c := encoding.GetCompressor(name)
	if c == nil {
		return status.Errorf(codes.Internal, "rpc: compressor %q is not registered", name)
	}
	s.sendComp, s.ss.SendEncoding = c, name
	return nil
}

// encode frames a response, compressed when the call is; length is its
// size before compression.
func (s *serverStream) encode(m any) (framed []byte, length int, _ error) {
	comp := s.sendComp
	if s.compressOff {
		comp = nil
	}
	return frameMessageSized(s.opts.codec, comp, m, s.opts.maxSendMsgSize)
}

func (s *serverStream) SendMsg(m any) error {
	framed, length, err := s.encode(m)
	if err != nil {
		return err
	}
	headerSent, n := s.ss.HeaderSent(), len(framed) // framed is the writer's once sent
	err = s.ss.SendMsg(framed)
	if !headerSent && s.ss.HeaderSent() {
		s.stats.outHeader(s.ss)
	}
	if err == nil {
		s.stats.outPayload(m, length, n)
	}
	return err
}

// finish ends the call with st, after response (framed; nil for none) when
// it has one, and tells the stats handlers; reply and length are the
// response as the handler gave it and its size before compression.
func (s *serverStream) finish(st *status.Status, response []byte, reply any, length int) {
	if s.stats == nil {
		s.ss.Finish(st, response)
		return
	}
	headerSent, n := s.ss.HeaderSent(), len(response)
	s.ss.Finish(st, response)
	if !headerSent {
		s.stats.outHeader(s.ss)
	}
	if response != nil {
		s.stats.outPayload(reply, length, n)
	}
	s.stats.end(s.ss, statusErr(st))
}

// recvPayload returns the next request message, decompressed, and the
// message to Release once payload is decoded.
func (s *serverStream) recvPayload() ([]byte, streamactor.Message, error) {
	msg, err := s.ss.RecvMsg()
	if err != nil {
		return nil, msg, err
	}
	s.lastCompressed = msg.Compressed
	payload, err := inflate(msg.Payload, msg.Compressed, s.ss.Req.Encoding, s.opts.maxRecvMsgSize, codes.Unimplemented)
	return payload, msg, err
}

func (s *serverStream) RecvMsg(m any) error {
	payload, msg, err := s.recvPayload()
	if err != nil {
		if err == io.EOF && s.singleRequest && !s.received {
			return errNoRequest
		}
		return err
	}
	s.received = true
	length, compressed := len(payload), len(msg.Payload)
	err = s.opts.codec.Unmarshal(payload, m)
	msg.Release() // decoded: the codec keeps no reference to payload
	if err != nil {
		return status.Errorf(codes.Internal, "grpc: error unmarshalling request: %v", err)
	}
	s.stats.inPayload(m, length, compressed)
	if s.singleRequest {
		return s.expectEndOfRequests()
	}
	return nil
}

// expectEndOfRequests waits, after the one request of a call that is not
// client-streaming, for the client's half-close: a second message is a
// cardinality violation, never silently dropped.
func (s *serverStream) expectEndOfRequests() error {
	msg, err := s.ss.RecvMsg()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		return err
	}
	msg.Release()
	return errTooManyRequests
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
