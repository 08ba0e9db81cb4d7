package rpc

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
	"github.com/actorpc/actorpc/rpc/status"
)

// pickRequest is a call asking the channel for a connection.
type pickRequest struct {
	ctx          context.Context
	method       string
	waitForReady *bool // the call option; nil: the service config decides
	// retryBytes is the size of the request a unary call would keep to
	// replay it; the channel reserves it when the method has a retry or
	// hedging policy and the buffer limits allow. (A stream asks for its
	// room as it sends: retryReserveMsg.)
	retryBytes int
	// reply has room for both messages the channel may send: the early
	// "queued" one carrying the method's config, then the outcome.
	reply      chan pickReply // from: channel actor to caller; never
	toldConfig bool
	reserved   int
	// abandoned: the call stopped waiting (its context or the method
	// config's timeout ended); it must not be placed, nor reserve room.
	abandoned bool
}

// pickReply is the channel's answer: a connection (or a status), with
// what the service config says of the method.
type pickReply struct {
	conn   *connactor.Conn
	err    *status.Status
	method serviceconfig.MethodConfig
	// queued: no connection yet; the call waits for a second reply.
	queued bool
	// throttled: the channel throttles retries, so the call reports its
	// outcome when it has a retry policy.
	throttled bool
	reserved  int // retry buffer bytes reserved for the call
}

func (p *pickRequest) fail(st *status.Status) { p.reply <- pickReply{err: st} }

// place tries to pick for p; false means p must wait. What becomes of p
// is triagePick's and judgePick's decision (channel_core.go).
func (a *channelActor) place(p *pickRequest) bool {
	mc := a.config.Method(p.method)
	wait := waitsForReady(p.waitForReady, mc)
	verdict, st := triagePick(pickFacts{abandoned: p.abandoned, ctxErr: p.ctx.Err(),
		havePicker: a.picker != nil, resolverErr: a.resolverErr, waitForReady: wait})
	var conn *connactor.Conn
	if verdict == pickRun {
		res, err := a.pickGuarded(a.picker, balancer.PickInfo{FullMethodName: p.method, Ctx: p.ctx})
		if err == nil {
			conn = a.readyConn(res.SubConn)
		}
		verdict, st = judgePick(err, conn != nil, wait)
	}
	switch verdict {
	case pickQueue:
		return false
	case pickFail:
		a.failedPicks++
		p.fail(st)
	case pickAnswer:
		p.reserved = a.reserveRetryBuffer(p, mc)
		p.reply <- pickReply{conn: conn, method: mc, throttled: a.throttle != nil, reserved: p.reserved}
	}
	return true
}

// reserveRetryBuffer reserves room for p's request in the channel's retry
// buffer, once, when its method has a retry or hedging policy: a call
// whose request does not fit in either limit commits to its first attempt
// instead.
func (a *channelActor) reserveRetryBuffer(p *pickRequest, mc serviceconfig.MethodConfig) int {
	n := p.retryBytes
	if n == 0 || mc.RetryPolicy == nil && mc.HedgingPolicy == nil || a.cc.opts.disableRetry ||
		n > a.cc.opts.retryBufferSize || a.retryBuffered+n > a.cc.opts.channelRetryBuffer {
		return 0
	}
	a.retryBuffered += n
	return n
}

// queue makes p wait for the next picker. Once the service config is
// known the call is told its method's config, so that its timeout bounds
// the wait too.
func (a *channelActor) queue(p *pickRequest) {
	a.tellConfig(p)
	if len(a.waiting) >= 64 && len(a.waiting) == cap(a.waiting) {
		a.pruneWaiting() // calls that gave up leave their request behind
	}
	a.waiting = append(a.waiting, p)
}

func (a *channelActor) tellConfig(p *pickRequest) {
	if p.toldConfig || !a.resolved {
		return
	}
	p.toldConfig = true
	p.reply <- pickReply{queued: true, method: a.config.Method(p.method)}
}

// repick places every waiting call it can, in arrival order.
func (a *channelActor) repick() {
	still := a.waiting[:0]
	for _, p := range a.waiting {
		if !a.place(p) {
			a.tellConfig(p)
			still = append(still, p)
		}
	}
	clear(a.waiting[len(still):])
	a.waiting = still
}

func (a *channelActor) pruneWaiting() {
	live := a.waiting[:0]
	for _, p := range a.waiting {
		if p.ctx.Err() == nil && !p.abandoned {
			live = append(live, p)
		}
	}
	clear(a.waiting[len(live):])
	a.waiting = live
}

// pickedCall is what a call learnt from its pick: the connection, the
// method's config, and the call's context bounded by the config's timeout
// (cancel releases it).
type pickedCall struct {
	conn      *connactor.Conn
	method    serviceconfig.MethodConfig
	throttled bool
	reserved  int // retry buffer bytes the channel reserved for the call
	ctx       context.Context
	cancel    context.CancelFunc
}

// pick asks the channel for a connection for a call to method. start is
// when the call began: the service config's timeout counts from it.
func (cc *ClientConn) pick(ctx context.Context, method string, ci *callInfo, start time.Time, retryBytes int) (pickedCall, error) {
	req := &pickRequest{ctx: ctx, method: method, waitForReady: ci.waitForReady, retryBytes: retryBytes, reply: make(chan pickReply, 2)}
	select {
	case cc.inbox <- pickMsg{req: req}:
	case <-ctx.Done():
		return pickedCall{}, status.FromContextError(ctx.Err()).Err()
	case <-cc.ref.Done():
		return pickedCall{}, errClosing().Err()
	}
	picked := pickedCall{ctx: ctx, cancel: func() {}}
	for {
		select {
		case r := <-req.reply:
			picked.applyConfig(r.method, start)
			if r.queued {
				continue
			}
			if r.err != nil {
				picked.cancel()
				return pickedCall{}, r.err.Err()
			}
			picked.conn, picked.throttled, picked.reserved = r.conn, r.throttled, r.reserved
			return picked, nil
		case <-picked.ctx.Done():
			picked.cancel()
			cc.send(pickAbandonedMsg{pick: req})
			return pickedCall{}, status.FromContextError(picked.ctx.Err()).Err()
		case <-cc.ref.Done():
			picked.cancel()
			return pickedCall{}, errClosing().Err()
		}
	}
}

// applyConfig bounds the call by the method's timeout, once.
func (p *pickedCall) applyConfig(mc serviceconfig.MethodConfig, start time.Time) {
	if p.method.Timeout != 0 || mc.Timeout == 0 {
		p.method = mc
		return
	}
	p.method = mc
	p.ctx, p.cancel = context.WithDeadline(p.ctx, start.Add(mc.Timeout))
}

func errClosing() *status.Status { return status.New(codes.Canceled, ErrClientConnClosing.Error()) }
