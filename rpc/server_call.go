package rpc

import (
	"context"
	"errors"
	"io"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/peer"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// acceptStream is called by a connection actor for each new stream. It
// spawns the stream's handler actor, which runs the call to its end, and
// gives the connection its Ref: the connection lists it in Inspect and
// stops it (cancels the call's context) on a reset or its own end.
// p is the client, which the call's context carries; connCtx is the
// connection's context for the stats handlers (nil without them).
func (s *Server) acceptStream(link *connactor.Stream, p *peer.Peer, connCtx context.Context) *actors.Ref {
	return actors.SpawnRunner(s.ctx, "handler", &handlerActor{s: s, link: link, peer: p, connCtx: connCtx}, s.handlerOpts...)
}

// handlerActor is the body of a call's handler actor, and the call's
// serverStream with it: one allocation for both.
type handlerActor struct {
	s       *Server
	link    *connactor.Stream
	peer    *peer.Peer
	connCtx context.Context // the connection's, as TagConn returned it; nil without stats handlers
	stream  serverStream
}

// Run runs the call. Its error is the handler actor's exit reason: nil,
// or the panic that ended the call (handler_panic.go).
func (h *handlerActor) Run(ctx context.Context) (err error) {
	s, p := h.s, h.peer
	ss, _ := streamactor.AcceptServerStream(ctx, h.link, s.opts.maxRecvMsgSize)
	if ss == nil {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			err = s.handlerPanicked(ss, h.stream.stats, v)
		}
	}()
	if ss.Req.HasTimeout {
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, ss.Req.Timeout)
		defer cancelTimeout()
	}
	ctx = metadata.NewIncomingContext(ctx, ss.Req.Metadata)
	ctx = peer.NewContext(ctx, p)
	stream := &h.stream
	*stream = serverStream{ss: ss, opts: &s.opts, method: ss.Req.Method, singleRequest: true}
	m, ok := s.methods[ss.Req.Method]
	registered := ok
	if !ok && s.opts.unknownStreamHandler != nil {
		m, ok = &methodInfo{service: &serviceInfo{}, stream: &StreamDesc{
			StreamName: ss.Req.Method, Handler: s.opts.unknownStreamHandler, ServerStreams: true, ClientStreams: true,
		}}, true
	}
	if len(s.opts.stats) > 0 {
		stream.stats = &serverStats{hs: s.opts.stats}
		ctx = withRegisteredMethod(ctx, registered)
		ctx = stream.stats.beginCall(ctx, ss, p, h.connCtx)
		stream.stats.began(ok && m.stream != nil && m.stream.ClientStreams, ok && m.stream != nil && m.stream.ServerStreams)
	}
	ctx = context.WithValue(ctx, serverStreamKey{}, stream)
	ss.SetContext(ctx)
	ss.AcceptEncoding = acceptEncoding()
	if enc := ss.Req.Encoding; enc != "" {
		stream.sendComp = encoding.GetCompressor(enc)
		if stream.sendComp == nil {
			// PROTOCOL-HTTP2: an encoding we do not know is Unimplemented,
			// and grpc-accept-encoding tells the client what we do know.
			ss.SendEncoding = ""
			stream.finish(status.Newf(codes.Unimplemented, "grpc: no decompressor registered for grpc-encoding %q", enc), nil, nil, 0)
			return nil
		}
	}
	if !ok {
		stream.finish(s.unknownMethod(ss.Req.Method), nil, nil, 0)
		return nil
	}
	if m.unary != nil {
		s.serveUnary(ctx, stream, m)
		return nil
	}
	stream.singleRequest = !m.stream.ClientStreams
	if m.stream.ClientStreams {
		ss.ReleaseRequestsOnTake()
	}
	s.serveStreaming(stream, m)
	return nil
}

func (s *Server) unknownMethod(full string) *status.Status {
	service, method, ok := splitMethod(full)
	if !ok {
		return status.Newf(codes.Unimplemented, "malformed method name: %q", full)
	}
	if _, known := s.services[service]; !known {
		return status.Newf(codes.Unimplemented, "unknown service %s", service)
	}
	return status.Newf(codes.Unimplemented, "unknown method %s for service %s", method, service)
}

func (s *Server) serveUnary(ctx context.Context, stream *serverStream, m *methodInfo) {
	ss := stream.ss
	payload, msg, err := stream.recvPayload()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errNoRequest
		}
		stream.finish(toStatus(err), nil, nil, 0)
		return
	}
	// The request's buffer is reused once the reply, which may refer to
	// the decoded request, has been encoded (grpc-go frees it then too).
	defer msg.Release()
	// The client's END_STREAM usually came with its message; the handler
	// runs once the request stream has ended with the one message.
	ss.DrainArrived()
	if err := stream.expectEndOfRequests(); err != nil {
		stream.finish(toStatus(err), nil, nil, 0)
		return
	}
	compressed := len(msg.Payload) // (msg itself, captured, would escape)
	dec := func(v any) error {
		if err := s.opts.codec.Unmarshal(payload, v); err != nil {
			return status.Errorf(codes.Internal, "grpc: error unmarshalling request: %v", err)
		}
		stream.stats.inPayload(v, len(payload), compressed)
		return nil
	}
	reply, appErr := m.unary.Handler(m.service.impl, ctx, dec, s.opts.unaryInterceptor)
	if appErr != nil {
		stream.finish(toStatus(appErr), nil, nil, 0)
		return
	}
	framed, length, err := stream.encode(reply)
	if err != nil {
		stream.finish(toStatus(err), nil, nil, 0)
		return
	}
	stream.finish(statusOK, framed, reply, length)
}

func (s *Server) serveStreaming(stream *serverStream, m *methodInfo) {
	var appErr error
	if i := s.opts.streamInterceptor; i != nil {
		info := &StreamServerInfo{FullMethod: stream.method, IsClientStream: m.stream.ClientStreams, IsServerStream: m.stream.ServerStreams}
		appErr = i(m.service.impl, stream, info, m.stream.Handler)
	} else {
		appErr = m.stream.Handler(m.service.impl, stream)
	}
	st := statusOK
	if appErr != nil {
		st = toStatus(appErr)
	}
	stream.finish(st, nil, nil, 0)
}

// statusOK ends every successful call; a Status is immutable, so one
// serves all.
var statusOK = status.New(codes.OK, "")

// toStatus is the status a handler's error ends its call with: a status
// error as it is, a context error as its code, anything else Unknown.
func toStatus(err error) *status.Status {
	if st, ok := status.FromError(err); ok {
		return st
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err)
	}
	return status.New(codes.Unknown, err.Error())
}
