package rpc

import (
	"context"
	"strconv"
	"time"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// endRetries tells the channel how a call with a retry policy ended: the
// retry buffer it reserved is free again, and a success earns the
// throttle a fraction of a token (failures were counted as they came).
func (cc *ClientConn) endRetries(reserved int, success bool) {
	if reserved == 0 && !success {
		return
	}
	cc.send(retryDoneMsg{released: reserved, success: success})
}

// pushback reads the server's grpc-retry-pushback-ms (A6): a delay, a
// stop (a negative or malformed value), or nothing.
func pushback(trailer metadata.MD) (pushbackKind, time.Duration) {
	v := trailer.Get("grpc-retry-pushback-ms")
	if len(v) == 0 {
		return pushbackNone, 0
	}
	ms, err := strconv.ParseInt(v[0], 10, 64)
	if err != nil || ms < 0 {
		return pushbackStop, 0
	}
	return pushbackDelay, time.Duration(ms) * time.Millisecond
}

// retryAllowed records a retryable failure with the channel's throttle and
// asks whether a retry may follow.
func (cc *ClientConn) retryAllowed(ctx context.Context) bool {
	reply := make(chan bool, 1)
	if !cc.send(retryFailureMsg{reply: reply}) {
		return false
	}
	select {
	case ok := <-reply:
		return ok
	case <-ctx.Done():
		return false
	case <-cc.ref.Done():
		return false
	}
}

// reserveRetryBuffer asks the channel for n more bytes of its retry
// buffer, for a stream to keep what it sends. It waits for the answer
// without watching the call's context: the channel answers at once, and a
// grant must not be lost.
func (cc *ClientConn) reserveRetryBuffer(n int) bool {
	reply := make(chan bool, 1)
	if !cc.send(retryReserveMsg{bytes: n, reply: reply}) {
		return false
	}
	select {
	case ok := <-reply:
		return ok
	case <-cc.ref.Done():
		return false
	}
}
