package rpc

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// unaryCall is what every attempt of one unary call shares: the request
// bytes (kept whole: a unary call replays them as they are) and the room
// the channel reserved for them in its retry buffer. The call's options
// (callInfo) go beside it, not in it: escape analysis does not tell one
// field from another, and the options of a call that hedges nothing stay
// on its stack.
type unaryCall struct {
	cc       *ClientConn
	method   string
	comp     encoding.Compressor
	request  []byte
	start    time.Time
	reserved int // retry buffer bytes the channel reserved for the call
	// For the stats handlers: the request as the caller gave it, and its
	// size before compression.
	args   any
	length int
}

// unaryAttempts makes the attempts of one unary call as its attemptCore
// decides (A6): one after another under a retry policy (or none), side by
// side under a hedging policy. requestFree reports that no attempt's
// writer still holds request, so its buffer may be reused. The result's
// attempt has not told the stats handlers its end: the caller does, once
// it decoded the response.
func (cc *ClientConn) unaryAttempts(ctx context.Context, u unaryCall, ci *callInfo) (_ streamactor.UnaryResult, requestFree bool, _ *attemptStats, _ error) {
	// The first pick tells the method's config; it reserves room for the
	// request when the method has a policy that may replay it.
	picked, err := cc.pick(ctx, u.method, ci, u.start, len(u.request))
	if err != nil {
		return streamactor.UnaryResult{}, true, nil, cc.pickFailed(ctx, u.method, ci, nil, false, err)
	}
	u.reserved = picked.reserved
	var core attemptCore
	core.init(picked.method.RetryPolicy, picked.method.HedgingPolicy, picked.throttled, cc.opts.disableRetry)
	if core.hedge != nil && u.reserved > 0 {
		return u.hedged(ctx, picked, &core, ci)
	}
	core.hedge = nil // no room to keep the request: only the first attempt goes
	return u.sequential(ctx, picked, &core, ci)
}

// sequential makes one attempt at a time, waiting between them as the core
// says. picked is the first attempt's pick.
func (u *unaryCall) sequential(ctx context.Context, picked pickedCall, core *attemptCore, ci *callInfo) (res streamactor.UnaryResult, requestFree bool, as *attemptStats, _ error) {
	requestFree = true
	for {
		err := ci.applyMethodLimits(picked.method, len(u.request)-streamactor.PrefixLen)
		var head streamactor.RequestHead
		if err == nil {
			head, err = u.head(picked, ci)
		}
		if err != nil {
			picked.cancel()
			u.end(core, false)
			return streamactor.UnaryResult{}, requestFree, nil, err
		}
		transparent := core.nextTransparent
		core.launched()
		head.PreviousAttempts = core.previous
		ci.notePeer(picked.conn)
		if as, err = u.beginAttempt(picked, ci, &head, transparent); err != nil {
			picked.cancel()
			u.end(core, false)
			return streamactor.UnaryResult{}, requestFree, as, err
		}
		res = streamactor.Unary(picked.ctx, picked.conn, head, u.request, ci.maxRecvMsgSize)
		picked.cancel()
		requestFree = requestFree && res.RequestDone
		if res.HeaderReceived {
			if err := as.inHeader(res.Header, res.Encoding); err != nil {
				u.end(core, false)
				return res, requestFree, as, err
			}
		}
		s := core.ended(u.outcome(res))
		for s.act == actAskThrottle || s.act == actSleep {
			if s.act == actAskThrottle {
				s = core.throttleSaid(u.cc.retryAllowed(ctx))
				continue
			}
			if !sleep(ctx, s.delay) {
				// The deadline passed while waiting to retry: that, not the
				// last attempt's status, is why the call ended.
				u.end(core, false)
				return res, requestFree, as, status.FromContextError(ctx.Err()).Err()
			}
			s = core.timerFired()
		}
		if s.act != actLaunch {
			failed := res.Status != nil && res.Status.Code() != codes.OK
			u.end(core, !failed)
			if failed {
				return res, requestFree, as, res.Status.Err()
			}
			return res, requestFree, as, nil
		}
		as.endStatus(res.Trailer, res.Status)
		res.Release()
		if picked, err = u.cc.pick(ctx, u.method, ci, u.start, 0); err != nil {
			u.end(core, false)
			return streamactor.UnaryResult{}, requestFree, nil, u.cc.pickFailed(ctx, u.method, ci, nil, core.nextTransparent, err)
		}
	}
}

// beginAttempt tells the stats handlers an attempt begins and sends its
// request (nil when the client has none). The error is Internal when a
// handler panicked: the attempt does not go.
func (u *unaryCall) beginAttempt(picked pickedCall, ci *callInfo, head *streamactor.RequestHead, transparent bool) (*attemptStats, error) {
	as, err := u.cc.beginAttempt(picked.ctx, u.method, ci, nil, transparent)
	if as == nil || err != nil {
		return as, err
	}
	if err := as.outHeader(head, picked.conn); err != nil {
		return as, err
	}
	return as, as.outPayload(u.args, u.length, len(u.request))
}

// head builds an attempt's request headers. It only reads the call's
// options, so hedged attempts may ask at the same time.
func (u *unaryCall) head(picked pickedCall, ci *callInfo) (streamactor.RequestHead, error) {
	head := u.cc.requestHead(picked.ctx, u.method, u.comp)
	if err := u.cc.addPerRPCMetadata(picked.ctx, &head.Metadata, u.method, picked.conn, ci); err != nil {
		return streamactor.RequestHead{}, err
	}
	return head, nil
}

// outcome is what the core needs to know of an attempt's result. Without
// room reserved for its request the call cannot replay it, so a failure
// the server saw commits the call.
func (u *unaryCall) outcome(res streamactor.UnaryResult) attemptEnd {
	e := attemptEnd{code: codes.OK, unprocessed: res.Unprocessed, committed: res.HeaderReceived || u.reserved == 0}
	if res.Status != nil {
		e.code = res.Status.Code()
	}
	e.pushback, e.pushedFor = pushback(res.Trailer)
	return e
}

// end tells the channel how the call ended (see endRetries).
func (u *unaryCall) end(core *attemptCore, success bool) {
	u.cc.endRetries(u.reserved, core.throttled && success)
	u.reserved = 0
}

// hedgeResult is how one hedged attempt ended.
type hedgeResult struct {
	res    streamactor.UnaryResult
	picked pickedCall    // zero when the pick failed
	err    error         // the pick or the request headers failed (or a stats handler panicked)
	stats  *attemptStats // the attempt's, not yet ended; nil without stats handlers
}

// hedged runs the attempts of a call under a hedging policy: each attempt
// is an actor of its own, started when the core says, reporting to this
// goroutine, which alone holds the core. When the call ends every other
// attempt is cancelled and waited for.
//
// The attempts share a copy of the call (h) and of its options, read-only
// while they run, so that calls that hedge nothing keep theirs on the
// stack; what the call learnt goes back to u when every attempt is done.
func (u *unaryCall) hedged(ctx context.Context, first pickedCall, core *attemptCore, ci *callInfo) (streamactor.UnaryResult, bool, *attemptStats, error) {
	defer first.cancel()
	shared := *ci
	h := *u
	res, requestFree, as, err := h.hedge(ctx, first, core, &shared)
	*ci = shared
	u.reserved = h.reserved
	return res, requestFree, as, err
}

// hedge is hedged's loop, on the shared copies.
func (u *unaryCall) hedge(ctx context.Context, first pickedCall, core *attemptCore, ci *callInfo) (streamactor.UnaryResult, bool, *attemptStats, error) {
	if err := ci.applyMethodLimits(first.method, len(u.request)-streamactor.PrefixLen); err != nil {
		u.end(core, false)
		return streamactor.UnaryResult{}, true, nil, err
	}
	callCtx, cancelAll := context.WithCancel(first.ctx)
	defer cancelAll()
	// Room for every attempt's report, the transparent retry's included.
	results := make(chan hedgeResult, core.hedge.MaxAttempts+1) // from: hedged attempts; never
	spawned, received := 0, 0
	launch := func(picked *pickedCall) step {
		transparent := core.nextTransparent
		s := core.launched()
		previous := core.previous
		spawned++
		actors.Spawn(callCtx, "hedge "+u.method, func(ctx context.Context) error {
			results <- u.hedgeAttempt(ctx, picked, previous, transparent, ci)
			return nil
		})
		return s
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var last hedgeResult
	expired := false
	s := launch(&first)
loop:
	for {
		switch s.act {
		case actLaunch:
			s = launch(nil)
			continue
		case actSleep:
			timer.Reset(s.delay)
		case actAskThrottle:
			s = core.throttleSaid(u.cc.retryAllowed(ctx))
			continue
		case actFinish:
			break loop
		}
		select {
		case r := <-results:
			received++
			last.endStats()
			last.res.Release()
			last = r
			if r.err != nil {
				s = core.ended(attemptEnd{code: status.Code(r.err), notSent: true})
				continue
			}
			s = core.ended(u.outcome(r.res))
		case <-timer.C:
			s = core.timerFired()
		case <-first.ctx.Done(): // the caller's deadline, or the method config's timeout
			expired = true
			break loop
		}
	}
	cancelAll()
	requestFree := last.err != nil || last.res.RequestDone
	for ; received < spawned; received++ {
		r := <-results
		requestFree = requestFree && (r.err != nil || r.res.RequestDone)
		r.endStats()
		r.res.Release()
	}
	if last.picked.conn != nil {
		ci.notePeer(last.picked.conn)
	}
	switch {
	case expired:
		u.end(core, false)
		return last.res, requestFree, last.stats, status.FromContextError(first.ctx.Err()).Err()
	case last.err != nil:
		u.end(core, false)
		return last.res, requestFree, last.stats, last.err
	case last.res.Status != nil && last.res.Status.Code() != codes.OK:
		u.end(core, false)
		return last.res, requestFree, last.stats, last.res.Status.Err()
	}
	u.end(core, true)
	return last.res, requestFree, last.stats, nil
}

// endStats tells the stats handlers how a hedged attempt ended.
func (r *hedgeResult) endStats() {
	if r.err != nil {
		r.stats.end(r.res.Trailer, r.err)
		return
	}
	r.stats.endStatus(r.res.Trailer, r.res.Status)
}

// hedgeAttempt is one hedged attempt: its pick (unless given), its
// request, its result.
func (u *unaryCall) hedgeAttempt(ctx context.Context, given *pickedCall, previous int, transparent bool, ci *callInfo) hedgeResult {
	var picked pickedCall
	if given != nil {
		picked = *given
		picked.ctx, picked.cancel = ctx, func() {}
	} else {
		var err error
		if picked, err = u.cc.pick(ctx, u.method, ci, u.start, 0); err != nil {
			return hedgeResult{err: u.cc.pickFailed(ctx, u.method, ci, nil, transparent, err)}
		}
	}
	defer picked.cancel()
	head, err := u.head(picked, ci)
	if err != nil {
		return hedgeResult{err: err}
	}
	head.PreviousAttempts = previous
	as, err := u.beginAttempt(picked, ci, &head, transparent)
	if err != nil {
		return hedgeResult{err: err, stats: as}
	}
	res := streamactor.Unary(picked.ctx, picked.conn, head, u.request, ci.maxRecvMsgSize)
	if res.HeaderReceived {
		if err := as.inHeader(res.Header, res.Encoding); err != nil {
			return hedgeResult{res: res, picked: picked, err: err, stats: as}
		}
	}
	return hedgeResult{res: res, picked: picked, stats: as}
}

// sleep waits d, or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
