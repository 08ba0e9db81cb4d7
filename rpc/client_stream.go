package rpc

import (
	"context"
	"io"
	"time"

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
// Every kind of stream is retried as Invoke's attempts are (transparently,
// and by the method's retry policy) while it is uncommitted: until
// response headers arrive, or what it sent outgrows the retry buffer
// (WithRetryBufferSize). Until then each message sent is kept, and a new
// attempt replays them, and CloseSend, as grpc-go does. A method with a
// hedging policy races several attempts.
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
	s := &clientStream{cc: cc, parent: ctx, method: method, start: time.Now(), ci: ci, desc: desc, comp: comp,
		baton: make(chan *streamAttempts, 1)}
	a := &streamAttempts{s: s}
	if st := a.open(); st != nil {
		a.release()
		return nil, st.Err()
	}
	s.throttled = a.core.throttled
	s.send, s.recv, s.hdr = a.view(), a.view(), a.view()
	s.put(a)
	s.ctx = context.WithValue(ctx, clientStreamKey{}, s)
	return s, nil
}

type clientStreamKey struct{}

// clientStream is the ClientStream applications use: its attempts, the
// codec, limits and the grpc-go conventions (io.EOF).
type clientStream struct {
	// Immutable after NewStream.
	cc     *ClientConn
	parent context.Context // the caller's
	method string
	start  time.Time
	ctx    context.Context
	ci     callInfo
	desc   *StreamDesc
	comp   encoding.Compressor // compresses what we send; nil for none
	// baton holds the call's attempts while neither goroutine of the
	// call does (see streamAttempts).
	baton chan *streamAttempts // from: call to call; never: the call's sending and receiving goroutines, its hedges actor and its replay-buffer actor pass it; it holds the one value, put back by whoever took it
	// Owned by the sending goroutine.
	send attemptView
	// Owned by the goroutine calling Header (grpc-go lets it be another).
	hdr attemptView
	// Owned by the receiving goroutine.
	recv     attemptView
	received int

	// The flags, together so that they share a word (a call keeps this
	// struct while it idles); each belongs to the goroutine said.
	throttled      bool // immutable: the call reports its outcome to the channel's throttle
	compressOff    bool // sending
	sendClosed     bool // sending
	lastCompressed bool // receiving
	reported       bool // receiving: the outcome went to the channel's throttle
}

// Context is the call's context; SetMessageCompression accepts it.
func (s *clientStream) Context() context.Context { return s.ctx }

// Header waits for the response headers of the attempt that commits.
func (s *clientStream) Header() (metadata.MD, error) {
	if st := s.awaitDecision(&s.hdr); st != nil {
		return nil, st.Err()
	}
	for {
		md, st := s.hdr.cs.Header()
		if st == nil {
			s.committed(&s.hdr)
			return md, nil
		}
		if s.hdr.committed {
			return nil, st.Err()
		}
		var final *status.Status
		if s.hdr, final = s.attemptEnded(s.hdr, st); final != nil {
			return nil, final.Err()
		}
	}
}

// Trailer is the trailer metadata of the attempt in force, once it ended.
func (s *clientStream) Trailer() metadata.MD {
	if s.recv.cs == nil {
		return nil // a hedged call that has not picked an attempt yet
	}
	return s.recv.cs.Trailer()
}

// committed records, in the view of one of the call's goroutines, that
// its attempt got response headers: the call commits to it.
func (s *clientStream) committed(v *attemptView) {
	if v.committed {
		return
	}
	a := s.take()
	if a.gen == v.gen {
		a.commit()
	}
	*v = a.view()
	s.put(a)
}

func (s *clientStream) CloseSend() error {
	if s.sendClosed {
		return nil
	}
	s.sendClosed = true
	if !s.send.committed {
		a := s.take()
		a.closed = true // a new attempt closes too
		racing := make([]*streamactor.ClientStream, 0, len(a.racing()))
		for _, h := range a.racing() {
			racing = append(racing, h.cs)
		}
		s.send = a.view()
		s.put(a)
		if s.send.cs == nil {
			for _, cs := range racing {
				cs.CloseSend()
			}
			return nil
		}
	}
	s.send.cs.CloseSend()
	return nil
}

// errSendAfterClose is SendMsg's answer after CloseSend.
var errSendAfterClose = status.Error(codes.Internal, "SendMsg called after CloseSend")

// SendMsg sends m. When the call has already ended it returns io.EOF, and
// RecvMsg tells the status, as in grpc-go.
func (s *clientStream) SendMsg(m any) error {
	if s.sendClosed {
		return errSendAfterClose
	}
	comp := s.comp
	if s.compressOff {
		comp = nil
	}
	framed, length, err := frameMessageSized(s.ci.codec, comp, m, s.ci.maxSendMsgSize)
	if err != nil {
		return err
	}
	sent := len(framed) // framed is the writer's once sent
	kept := false
	if !s.send.committed {
		a := s.take()
		if a.hedging() {
			if s.sendHedged(a, framed, m, length) {
				return nil // told to the stats of the attempt picked, if any, when it is
			}
			if err := s.sendCommitted(framed); err != nil {
				return err
			}
			if err := s.send.stats.outPayload(m, length, sent); err != nil {
				return s.statsPanicked(err)
			}
			return nil
		}
		if !a.committed && headersArrived(a.cs) {
			a.commit()
		}
		if !a.committed && a.final == nil {
			if kept = a.keep(framed, m, length); !kept {
				a.commit() // past the retry buffer: this attempt is the call's
			}
		}
		s.send = a.view()
		s.put(a)
	}
	st := s.send.cs.Send(framed, kept)
	if st == nil {
		if err := s.send.stats.outPayload(m, length, sent); err != nil {
			return s.statsPanicked(err)
		}
		return nil
	}
	if kept {
		// The attempt ended with the message in the replay buffer: a new
		// attempt sends it again, unless the call gave up.
		var final *status.Status
		if s.send, final = s.attemptEnded(s.send, st); final == nil {
			return nil
		}
	}
	if !s.desc.ClientStreams {
		// As grpc-go: generated code for a call with one request returns
		// SendMsg's error as the call's, so the status is left to RecvMsg.
		return nil
	}
	return io.EOF
}

// headersArrived: response headers came on cs.
func headersArrived(cs *streamactor.ClientStream) bool { return cs.HeadersArrived() }

// sendCommitted sends framed on the attempt the call committed to.
func (s *clientStream) sendCommitted(framed []byte) error {
	if s.send.cs == nil || s.send.cs.Send(framed, false) != nil {
		if !s.desc.ClientStreams {
			return nil // as SendMsg: the status is left to RecvMsg
		}
		return io.EOF
	}
	return nil
}

// RecvMsg receives into m. It returns io.EOF when the call ended with
// status OK, otherwise the status error.
func (s *clientStream) RecvMsg(m any) error {
	if st := s.awaitDecision(&s.recv); st != nil {
		s.reportOutcome(st)
		return st.Err()
	}
	msg, st := s.recv.cs.Recv()
	for st != nil && st.Code() != codes.OK && !s.recv.committed {
		var final *status.Status
		if s.recv, final = s.attemptEnded(s.recv, st); final != nil {
			st = final
			break
		}
		msg, st = s.recv.cs.Recv()
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
	s.committed(&s.recv) // a message came: so did the headers
	if s.received == 0 && s.recv.stats != nil {
		md, _ := s.recv.cs.Header()
		if err := s.recv.stats.inHeader(md, s.recv.cs.Encoding()); err != nil {
			return s.statsPanicked(err)
		}
	}
	s.received++
	s.lastCompressed = msg.Compressed
	payload, err := inflate(msg.Payload, msg.Compressed, s.recv.cs.Encoding(), s.ci.maxRecvMsgSize, codes.Internal)
	if err != nil {
		return err
	}
	length, compressed := len(payload), len(msg.Payload)
	err = s.ci.codec.Unmarshal(payload, m)
	msg.Release() // decoded: the codec keeps no reference to payload
	if err != nil {
		return status.Errorf(codes.Internal, "grpc: failed to unmarshal the received message: %v", err)
	}
	if err := s.recv.stats.inPayload(m, length, compressed); err != nil {
		return s.statsPanicked(err)
	}
	if !s.desc.ServerStreams {
		// One response is all there is: its call succeeded only if the
		// status that follows is OK (grpc-go reads on to it too).
		if _, st := s.recv.cs.Recv(); st == nil {
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
// policy succeeded (failures were counted as they were retried), and
// frees the replay buffer of a call that ended uncommitted.
func (s *clientStream) reportOutcome(st *status.Status) {
	if s.reported {
		return // RecvMsg after the end tells the same status again
	}
	s.reported = true
	s.committed(&s.recv)
	s.cc.endRetries(0, s.throttled && st.Code() == codes.OK)
	if s.recv.stats != nil {
		s.endStats(st)
	}
}

// endStats tells the stats handlers the end of the attempt the call ended
// with (its headers first, if they came and no message told them).
func (s *clientStream) endStats(st *status.Status) {
	a := s.take()
	defer s.put(a)
	if a.stats == nil || a.stats.ended || a.cs == nil {
		return
	}
	if s.received == 0 {
		if headerReceived, _ := a.cs.Outcome(); headerReceived {
			md, _ := a.cs.Header()
			a.stats.inHeader(md, a.cs.Encoding())
		}
	}
	a.stats.endStatus(a.cs.Trailer(), st)
}

// beginAttempt tells the stats handlers an attempt begins on picked with
// head (nil when the client has none); Internal when a handler panicked.
// With handlers, the attempt gets a context of its own (picked.ctx
// becomes it), which statsPanicked cancels.
func (s *clientStream) beginAttempt(picked *pickedCall, head *streamactor.RequestHead, transparent bool) (*attemptStats, error) {
	if len(s.cc.opts.stats) == 0 {
		return nil, nil
	}
	ctx, abort := context.WithCancel(picked.ctx)
	picked.ctx = ctx
	as, err := s.cc.beginAttempt(ctx, s.method, &s.ci, s.desc, transparent)
	as.abort = abort
	if err != nil {
		return as, err
	}
	return as, as.outHeader(head, picked.conn)
}

// statsPanicked ends the call when a stats handler panicked (err is
// Internal): its attempt is cancelled and the call commits, so that no
// retry follows and nothing of it waits for the application.
func (s *clientStream) statsPanicked(err error) error {
	a := s.take()
	defer s.put(a)
	if a.final == nil {
		a.final = status.Convert(err)
	}
	a.commit()
	a.stats.end(nil, err)
	return err
}
