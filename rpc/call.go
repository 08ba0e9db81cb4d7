package rpc

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// Invoke makes a unary call: it sends args and fills reply. The error is a
// status error (see package status).
//
// The calling goroutine drives the whole call, retries included: it picks
// a connection from the channel, opens the stream, and when the method's
// retry policy allows, waits its backoff and makes the next attempt with
// the same request bytes.
//
// The client's unary interceptors, if any, wrap the call; they see the
// client's default call options followed by opts.
func (cc *ClientConn) Invoke(ctx context.Context, method string, args, reply any, opts ...CallOption) error {
	opts = cc.withDefaultCallOptions(opts)
	if cc.opts.unaryInt != nil {
		return cc.opts.unaryInt(ctx, method, args, reply, cc, invoke, opts...)
	}
	return invoke(ctx, method, args, reply, cc, opts...)
}

// invoke is the UnaryInvoker at the end of the interceptors: the call
// itself, with every option (the defaults included) in opts.
func invoke(ctx context.Context, method string, args, reply any, cc *ClientConn, opts ...CallOption) error {
	start := time.Now()
	ci := newCallInfo(nil, opts)
	comp, err := ci.sendCompressor()
	if err != nil {
		return err
	}
	request, length, err := frameMessageSized(ci.codec, comp, args, ci.maxSendMsgSize)
	if err != nil {
		return err
	}
	u := unaryCall{cc: cc, method: method, comp: comp, request: request, start: start, args: args, length: length}
	res, requestFree, as, err := cc.unaryAttempts(ctx, u, &ci)
	if requestFree {
		bufpool.Put(request)
	}
	defer res.Release()
	if ci.header != nil {
		*ci.header = res.Header
	}
	if ci.trailer != nil {
		*ci.trailer = res.Trailer
	}
	if err == nil {
		err = decodeResponse(&res, &ci, reply, as)
	}
	as.end(res.Trailer, err)
	return err
}

// decodeResponse decodes a unary call's response into reply, and tells the
// stats handlers of it.
func decodeResponse(res *streamactor.UnaryResult, ci *callInfo, reply any, as *attemptStats) error {
	response, err := inflate(res.Response, res.Compressed, res.Encoding, ci.maxRecvMsgSize, codes.Internal)
	if err != nil {
		return err
	}
	if err := ci.codec.Unmarshal(response, reply); err != nil {
		return status.Errorf(codes.Internal, "grpc: failed to unmarshal the received message: %v", err)
	}
	return as.inPayload(reply, len(response), len(res.Response))
}

// applyMethodLimits narrows the call's message limits by the service
// config's (a limit set by the caller is only lowered) and checks the
// request against the send limit.
func (ci *callInfo) applyMethodLimits(mc serviceconfig.MethodConfig, requestLen int) error {
	if n := mc.MaxResponseMessageBytes; n != nil {
		if !ci.recvLimitSet || *n < ci.maxRecvMsgSize {
			ci.maxRecvMsgSize = *n
		}
	}
	if n := mc.MaxRequestMessageBytes; n != nil {
		if !ci.sendLimitSet || *n < ci.maxSendMsgSize {
			ci.maxSendMsgSize = *n
		}
	}
	if requestLen > ci.maxSendMsgSize {
		return status.Errorf(codes.ResourceExhausted, "grpc: trying to send message larger than max (%d vs. %d)", requestLen, ci.maxSendMsgSize)
	}
	return nil
}

// requestHead is what every call's request headers carry.
func (cc *ClientConn) requestHead(ctx context.Context, method string, comp encoding.Compressor) streamactor.RequestHead {
	head := streamactor.RequestHead{
		Method:         method,
		Authority:      cc.authority,
		Scheme:         cc.scheme(),
		UserAgent:      cc.opts.userAgent,
		AcceptEncoding: acceptEncoding(),
	}
	if comp != nil {
		head.Encoding = comp.Name()
	}
	if d, ok := ctx.Deadline(); ok {
		head.Timeout = max(time.Until(d), time.Nanosecond)
	}
	head.Metadata, _ = metadata.FromOutgoingContext(ctx)
	return head
}
