package rpc

import (
	"context"
	"io"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// NewStream starts a streaming call. The stream ends when RecvMsg returns
// an error (io.EOF for status OK), or when ctx is cancelled: cancel ctx
// when abandoning a stream early, as with grpc-go.
//
// Opening is retried as Invoke's attempts are (transparently, and by the
// method's retry policy). A server-streaming call with a retry policy is
// also retried when it fails before any response arrived: it replays its
// one request. Client and bidi streams commit once open.
//
// The client's stream interceptors, if any, wrap the opening; they see the
// client's default call options followed by opts.
func (cc *ClientConn) NewStream(ctx context.Context, desc *StreamDesc, method string, opts ...CallOption) (ClientStream, error) {
	opts = cc.withDefaultCallOptions(opts)
	if cc.opts.streamInt != nil {
		return cc.opts.streamInt(ctx, desc, cc, method, newClientStream, opts...)
	}
	return newClientStream(ctx, desc, cc, method, opts...)
}

// newClientStream is the Streamer at the end of the interceptors: the
// call itself, with every option (the defaults included) in opts.
func newClientStream(ctx context.Context, desc *StreamDesc, cc *ClientConn, method string, opts ...CallOption) (ClientStream, error) {
	ci := newCallInfo(nil, opts)
	comp, err := ci.sendCompressor()
	if err != nil {
		return nil, err
	}
	s := &clientStream{cc: cc, parent: ctx, method: method, start: time.Now(), ci: ci, desc: desc, comp: comp}
	if err := s.open(); err != nil {
		return nil, err
	}
	s.ctx = context.WithValue(ctx, clientStreamKey{}, s)
	return s, nil
}

type clientStreamKey struct{}

// clientStream is the ClientStream applications use: the stream actor's
// handle plus the codec, limits and the grpc-go conventions (io.EOF).
type clientStream struct {
	cc     *ClientConn
	parent context.Context // the caller's
	method string
	start  time.Time
	ctx    context.Context
	cs     *streamactor.ClientStream
	ci     callInfo
	desc   *StreamDesc
	comp   encoding.Compressor // compresses what we send; nil for none
	picked pickedCall          // the current attempt's
	retry  retryState
	// Owned by the sending goroutine until CloseSend, then by the
	// receiving one (server streaming replays it on a retry).
	compressOff bool
	request     []byte // server streaming with a retry policy: the one request
	sendClosed  bool
	// Owned by the receiving goroutine.
	received       int
	lastCompressed bool
	reported       bool // the outcome went to the channel's throttle
}

// open makes attempts until a stream opens or the call gives up.
func (s *clientStream) open() error {
	for {
		picked, err := s.cc.pick(s.parent, s.method, &s.ci, s.start, 0)
		if err != nil {
			return err
		}
		if err := s.ci.applyMethodLimits(picked.method, 0); err != nil {
			picked.cancel()
			return err
		}
		head := s.cc.requestHead(picked.ctx, s.method, s.comp)
		head.PreviousAttempts = s.retry.attempts
		if err := s.cc.addPerRPCMetadata(picked.ctx, &head.Metadata, s.method, picked.conn, &s.ci); err != nil {
			picked.cancel()
			return err
		}
		cs, st := streamactor.NewClientStream(picked.ctx, picked.conn, head, s.ci.maxRecvMsgSize)
		if st == nil {
			s.cs, s.picked = cs, picked
			s.ci.notePeer(picked.conn)
			if picked.method.Timeout != 0 {
				// The config's timeout made a context of our own: release
				// it when the call ends.
				actors.Spawn(s.parent, "release "+s.method, func(context.Context) error {
					<-cs.Done()
					picked.cancel()
					return nil
				})
			}
			return nil
		}
		picked.cancel()
		outcome := attemptOutcome{st: st, unprocessed: s.parent.Err() == nil, replayable: true}
		if !s.cc.retryAfter(s.parent, &s.retry, picked, outcome) {
			return st.Err()
		}
	}
}

// retryable: this call may be retried after it failed before any
// response: it is server streaming, has a retry policy, and its one
// request has been sent and kept.
func (s *clientStream) retryable() bool {
	return !s.desc.ClientStreams && s.request != nil && s.sendClosed && s.received == 0
}

// reattempt is RecvMsg's retry of a server-streaming call: when the
// attempt that just ended with st may be retried, it opens the next one
// and replays the request. It reports whether a new attempt runs.
func (s *clientStream) reattempt(st *status.Status) bool {
	headerReceived, unprocessed := s.cs.Outcome()
	outcome := attemptOutcome{st: st, unprocessed: unprocessed, committed: headerReceived, replayable: true, trailer: s.cs.Trailer()}
	if !s.cc.retryAfter(s.parent, &s.retry, s.picked, outcome) {
		return false
	}
	if err := s.open(); err != nil {
		return false
	}
	if s.cs.Send(s.request, true) != nil {
		return true // the new attempt's status tells
	}
	s.cs.CloseSend()
	return true
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
	s.sendClosed = true
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
	keep := !s.desc.ClientStreams && s.request == nil && len(framed) <= s.cc.opts.retryBufferSize
	if keep {
		s.request = framed // kept to replay on a retry (the writer only reads it)
	}
	st := s.cs.Send(framed, keep)
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
	for st != nil && st.Code() != codes.OK && s.retryable() && s.reattempt(st) {
		msg, st = s.cs.Recv()
	}
	if st != nil {
		s.reportOutcome(st)
		if st.Code() == codes.OK {
			if !s.desc.ServerStreams && s.received == 0 {
				return status.Error(codes.Internal, "cardinality violation: the server sent no response message")
			}
			return io.EOF
		}
		return st.Err()
	}
	if s.received == 0 {
		s.request = nil // committed: nothing will be replayed
	}
	s.received++
	s.lastCompressed = msg.Compressed
	payload, err := inflate(msg.Payload, msg.Compressed, s.cs.Encoding(), s.ci.maxRecvMsgSize, codes.Internal)
	if err != nil {
		return err
	}
	err = s.ci.codec.Unmarshal(payload, m)
	msg.Release() // decoded: the codec keeps no reference to payload
	if err != nil {
		return status.Errorf(codes.Internal, "grpc: failed to unmarshal the received message: %v", err)
	}
	if !s.desc.ServerStreams {
		// One response is all there is: its call succeeded only if the
		// status that follows is OK (grpc-go reads on to it too).
		if _, st := s.cs.Recv(); st == nil {
			return status.Error(codes.Internal, "cardinality violation: expected <EOF> after the only response message")
		} else {
			s.reportOutcome(st)
			if st.Code() != codes.OK {
				return st.Err()
			}
		}
	}
	return nil
}

// reportOutcome tells the channel's retry throttle that a call with a
// retry policy succeeded (failures were counted as they were retried).
func (s *clientStream) reportOutcome(st *status.Status) {
	if s.reported {
		return // RecvMsg after the end tells the same status again
	}
	s.reported = true
	s.retry.policy = s.retry.policy || s.picked.method.RetryPolicy != nil && !s.cc.opts.disableRetry
	s.retry.throttled = s.picked.throttled
	s.cc.endRetries(&s.retry, st.Code() == codes.OK)
}
