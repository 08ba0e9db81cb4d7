package rpc

import (
	"context"
	"errors"
	"time"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// Invoke makes a unary call: it sends args and fills reply. The error is a
// status error (see package status).
func (cc *ClientConn) Invoke(ctx context.Context, method string, args, reply any, opts ...CallOption) error {
	ci := newCallInfo(cc.opts.callOptions, opts)
	comp, err := ci.sendCompressor()
	if err != nil {
		return err
	}
	request, err := frameMessage(ci.codec, comp, args, ci.maxSendMsgSize)
	if err != nil {
		return err
	}
	var res streamactor.UnaryResult
	err = cc.withConn(ctx, func(conn *connactor.Conn) (*status.Status, bool) {
		res = streamactor.Unary(ctx, conn, cc.requestHead(ctx, method, comp), request, ci.maxRecvMsgSize)
		return res.Status, res.Unprocessed
	})
	if ci.header != nil {
		*ci.header = res.Header
	}
	if ci.trailer != nil {
		*ci.trailer = res.Trailer
	}
	if err != nil {
		return err
	}
	response, err := inflate(res.Response, res.Compressed, res.Encoding, ci.maxRecvMsgSize, codes.Internal)
	if err != nil {
		return err
	}
	if err := ci.codec.Unmarshal(response, reply); err != nil {
		return status.Errorf(codes.Internal, "grpc: failed to unmarshal the received message: %v", err)
	}
	return nil
}

// withConn runs call on a ready connection. When the server never saw
// the call (the connection was going away or had ended before the stream
// opened, or GOAWAY or REFUSED_STREAM said so), the call is made once more
// on a fresh connection: a transparent retry, safe because nothing was
// processed.
func (cc *ClientConn) withConn(ctx context.Context, call func(*connactor.Conn) (st *status.Status, unprocessed bool)) error {
	for attempt := 0; ; attempt++ {
		conn, err := cc.pick(ctx)
		if err != nil {
			return pickStatus(ctx, err).Err()
		}
		st, unprocessed := call(conn)
		if st == nil || st.Code() == codes.OK {
			return nil
		}
		if attempt == 0 && unprocessed && ctx.Err() == nil {
			cc.connFailed(conn)
			continue
		}
		return st.Err()
	}
}

func pickStatus(ctx context.Context, err error) *status.Status {
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err())
	}
	if errors.Is(err, ErrClientConnClosing) {
		return status.New(codes.Canceled, err.Error())
	}
	return status.Newf(codes.Unavailable, "connection error: %v", err)
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
