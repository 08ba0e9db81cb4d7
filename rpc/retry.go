package rpc

import (
	"context"
	"strconv"
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// retryState is what a call remembers across its attempts.
type retryState struct {
	attempts        int  // attempts made under the retry policy, before this one
	transparentUsed bool // the one transparent retry is spent
	backoffRetry    int  // the retry number the last backoff was computed for
	reserved        int  // retry buffer bytes the channel reserved for the call
	policy          bool // the call ran under a retry policy
	throttled       bool // the channel throttles retries
	expired         bool // the call's context ended during a backoff
}

// attemptOutcome is how one attempt ended.
type attemptOutcome struct {
	st          *status.Status // nil or OK: success
	unprocessed bool           // the server never saw it (GOAWAY, REFUSED_STREAM, not sent)
	committed   bool           // response headers or messages arrived: no retry
	// replayable: what the call sent can be sent again (kept within the
	// retry buffer limits, or nothing was sent yet).
	replayable bool
	trailer    metadata.MD
}

// retryAfter decides, after an attempt, whether the call makes another,
// and waits the backoff when it does. It follows A6:
//   - an attempt the server never processed is retried once at once, not
//     counted against maxAttempts (a transparent retry);
//   - otherwise the method's retryPolicy decides: a retryable code, an
//     attempt that did not commit, attempts left, the channel's throttle
//     allowing, and the server's grpc-retry-pushback-ms (negative or
//     malformed: no retry) or else the policy's jittered backoff.
func (cc *ClientConn) retryAfter(ctx context.Context, rs *retryState, picked pickedCall, o attemptOutcome) bool {
	policy := picked.method.RetryPolicy
	if cc.opts.disableRetry {
		policy = nil
	}
	rs.policy = rs.policy || policy != nil
	rs.throttled = picked.throttled
	rs.reserved += picked.reserved
	if o.st == nil || o.st.Code() == codes.OK {
		return false
	}
	if ctx.Err() != nil {
		return false
	}
	if o.unprocessed && !rs.transparentUsed {
		rs.transparentUsed = true
		select {
		case <-picked.conn.GoingAway():
			// Its subchannel will see it too; telling the channel now
			// keeps the retry off this connection.
			cc.connFailed(picked.conn)
		default: // refused (REFUSED_STREAM) by a connection still fine
		}
		return true
	}
	if policy == nil || o.committed || !o.replayable {
		return false
	}
	delay, ok := pushback(o.trailer)
	if !ok {
		if picked.throttled {
			cc.retryAllowed(ctx)
		}
		return false
	}
	if !policy.Retryable(o.st.Code()) {
		return false
	}
	// Every retryable failure counts against the throttle, the last
	// attempt's too.
	if picked.throttled && !cc.retryAllowed(ctx) {
		return false
	}
	if rs.attempts+1 >= policy.MaxAttempts {
		return false
	}
	rs.backoffRetry++
	if delay < 0 {
		delay = policy.Backoff(rs.backoffRetry)
	} else {
		rs.backoffRetry = 0 // after a pushback the backoff starts over
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		rs.expired = true
		return false
	}
	rs.attempts++
	return true
}

// endRetries tells the channel how a call with a retry policy ended: the
// retry buffer it reserved is free again, and a success earns the
// throttle a fraction of a token (failures were counted as they came).
func (cc *ClientConn) endRetries(rs *retryState, success bool) {
	success = success && rs.throttled
	if rs.reserved == 0 && !success {
		return
	}
	cc.tell(channelMsg{kind: msgRetryDone, done: retryDone{released: rs.reserved, success: success}})
	rs.reserved = 0
}

// pushback reads the server's grpc-retry-pushback-ms: its delay, or -1
// when there is none; ok is false when the server said not to retry (a
// negative or malformed value).
func pushback(trailer metadata.MD) (delay time.Duration, ok bool) {
	v := trailer.Get("grpc-retry-pushback-ms")
	if len(v) == 0 {
		return -1, true
	}
	ms, err := strconv.ParseInt(v[0], 10, 64)
	if err != nil || ms < 0 {
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}

// retryAllowed records a retryable failure with the channel's throttle and
// asks whether a retry may follow.
func (cc *ClientConn) retryAllowed(ctx context.Context) bool {
	reply := make(chan bool, 1)
	if !cc.tell(channelMsg{kind: msgRetryFailure, retry: reply}) {
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

// tell hands m to the channel actor; false when the channel has closed.
func (cc *ClientConn) tell(m channelMsg) bool {
	select {
	case cc.inbox <- m:
		return true
	case <-cc.ref.Done():
		return false
	}
}
