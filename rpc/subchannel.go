package rpc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/keepalive"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// subchannel is the handle of a subchannel actor: the connection to one
// backend, its connectivity state and its reconnection backoff. The
// balancer holds it as a balancer.SubConn.
//
// receiver: subchannel
type subchannel struct {
	addr resolver.Address
	// connect is Connect's signal, room for one, coalesced. The balancer
	// sends it on the channel actor's goroutine. from: channel actor; never
	connect chan struct{}
	// health holds the newest health-checking setting the channel has not
	// handed over yet; its only sender replaces one not taken (setHealth).
	// from: channel actor; never
	health chan healthSetting
	ref    *actors.Ref
	owner  *channelActor // touched only on the channel's goroutine
	// probe is Inspect's question (subchannel_inspect.go), bounded by its
	// ctx; a dial in progress answers after.
	probe chan chan<- actors.Report // from: caller; blocks
}

var _ balancer.SubConn = (*subchannel)(nil)

// subchannelUpdate is what a subchannel reports to its channel: its new
// state, with its connection when READY.
//
// The connection travels in the report so that a pick costs no hop to the
// subchannel, yet the channel does not own it: a report is a message, a
// value the subchannel made and never changes after sending, and the
// channel keeps the newest one of each subchannel as it came (see
// channelActor.subchannels) until the next replaces it. Whether the
// connection is still good is asked of the connection itself at the pick
// (GoingAway, which its connection actor alone closes), never decided by
// the channel. The subchannel alone dials, drains and closes it, and its
// next report (IDLE, after GOAWAY) is the only thing that takes it back.
type subchannelUpdate struct {
	sc    *subchannel
	state connectivity.State
	conn  *connactor.Conn // READY only
	err   error           // TRANSIENT_FAILURE: why the attempt failed
}

// Connect asks an IDLE subchannel to connect; it never blocks.
func (sc *subchannel) Connect() {
	select {
	case sc.connect <- struct{}{}:
	default:
	}
}

// Shutdown ends the subchannel. Its connection is closed gracefully: calls
// in flight on it finish. Like every SubConn method but Connect, it is
// called by the balancer on the channel actor's goroutine.
func (sc *subchannel) Shutdown() { sc.owner.removeSubchannel(sc) }

// Address is the backend's address.
func (sc *subchannel) Address() resolver.Address { return sc.addr }

func (sc *subchannel) String() string { return "subchannel " + sc.addr.String() }

// subchannelActor owns a subchannel's state; subchannel_core.go decides
// how it moves, this carries it out. Its only edge up to the channel is
// updates, and it never blocks on it: the newest report waits in pending,
// and the send is one case of the actor's select, so the subchannel keeps
// serving Connect and Shutdown while the channel is busy.
type subchannelActor struct {
	sc      *subchannel
	cc      *ClientConn
	chanCtx context.Context // the channel actor's: ends when the channel closes
	connCtx context.Context // parent of our connections: ends only after every subchannel did
	// updates is the channel actor's; the newest report is offered in
	// this actor's own select. from: subchannel to channel actor; never
	updates chan<- subchannelUpdate

	state    connectivity.State // moved by scNext alone
	conn     *connactor.Conn    // READY's connection
	draining []*connactor.Conn  // gone away, still serving their calls
	// connStats is the actors telling the stats handlers of its
	// connections (stats_conn.go): the subchannel ends after them.
	connStats []*actors.Ref
	failures  int           // failed attempts since the last success
	wait      time.Duration // TRANSIENT_FAILURE: the rest of the failed attempt's backoff
	pending   *subchannelUpdate
	// keepalive is what our connections use: the channel's, with the time
	// doubled each time a server said our pings were too many (A8).
	keepalive keepalive.ClientParameters

	// Client-side health checking (A17), owned by the loop too. While
	// state is READY (connected), what is reported follows the watch.
	healthCfg           healthSetting
	watch               *healthWatch // the connection's watch; nil when none runs
	unimplementedLogged bool         // the backend's missing health service was logged

	// counts is its traffic, for Inspect: Connect, health and GOAWAY news
	// in, reports made out (a newer one may replace one not yet sent).
	counts actors.Counts
	ended  CallCounts // what its connections that ended did, for Inspect (entity_stats.go)
}

func (a *subchannelActor) run(ctx context.Context) error {
	defer a.drain()
	for {
		var stop bool
		switch a.state {
		case connectivity.Idle:
			stop = a.whileIdle(ctx)
		case connectivity.Ready:
			stop = a.whileReady(ctx)
		case connectivity.TransientFailure:
			stop = a.whileFailing(ctx)
		}
		if stop {
			return nil
		}
		a.pruneDrained()
	}
}

// offer is the update the channel is to be told, and the channel to
// offer it on: nil (never ready) when none waits.
func (a *subchannelActor) offer() (out chan<- subchannelUpdate, next subchannelUpdate) {
	if a.pending != nil {
		out, next = a.updates, *a.pending
	}
	return out, next
}

// whileIdle waits, IDLE, for the next thing to do, and does it; stop:
// the subchannel shut down.
//
//go:noinline
func (a *subchannelActor) whileIdle(ctx context.Context) (stop bool) {
	out, next := a.offer()
	select {
	case out <- next:
		a.pending = nil
	case reply := <-a.sc.probe:
		a.answerProbe(reply)
	case <-a.sc.connect:
		a.counts.In++
		a.attempt(ctx)
		return ctx.Err() != nil // shut down while connecting
	case <-ctx.Done():
		return true
	}
	return false
}

// whileFailing waits out the backoff (TRANSIENT_FAILURE); stop: the
// subchannel shut down.
//
//go:noinline
func (a *subchannelActor) whileFailing(ctx context.Context) (stop bool) {
	out, next := a.offer()
	a.backoff(ctx, out, next)
	return ctx.Err() != nil
}

// whileReady is whileIdle, READY. Each state's select is a function of
// its own, so that the stack the actor idles on holds one select's frame,
// not all three (under 1,248 bytes a parked goroutine's stack halves at
// GC: README "Buffers").
//
//go:noinline
func (a *subchannelActor) whileReady(ctx context.Context) (stop bool) {
	out, next := a.offer()
	var healthReports <-chan healthReport
	if a.watch != nil {
		healthReports = a.watch.reports
	}
	select {
	case out <- next:
		a.pending = nil
	case r := <-healthReports:
		a.counts.In++
		select {
		case <-a.conn.GoingAway():
			// The watch failed because the connection did: that
			// is the news, handled on the next turn.
		default:
			a.healthReported(r)
		}
	case hs := <-a.sc.health:
		a.counts.In++
		a.healthChanged(ctx, hs)
	case reply := <-a.sc.probe:
		a.answerProbe(reply)
	case <-a.conn.GoingAway():
		a.counts.In++
		a.goneAway()
	case <-ctx.Done():
		return true
	}
	return false
}

// move applies e to the state machine (scNext).
func (a *subchannelActor) move(e scEvent) {
	a.state, _ = scNext(a.state, e)
}

// goneAway is GOAWAY, or the connection's end: calls in flight finish on
// it (it drains), new ones wait for the balancer's next move, which sees
// the subchannel IDLE.
func (a *subchannelActor) goneAway() {
	a.stopHealthWatch()
	ga, fromPeer := a.conn.PeerGoAway()
	a.keepalive = calmedKeepalive(a.keepalive, ga, fromPeer)
	a.draining = append(a.draining, a.conn)
	a.conn = nil
	a.move(scGoingAway)
	a.report(scView{state: connectivity.Idle})
}

// attempt connects once, as attemptSchedule says. It reports CONNECTING,
// then READY or TRANSIENT_FAILURE. A Shutdown meanwhile cancels the dial.
func (a *subchannelActor) attempt(ctx context.Context) {
	a.takeHealthSetting()
	a.move(scConnect)
	a.report(scView{state: connectivity.Connecting})
	// Report CONNECTING before the outcome, unless the channel is slow to
	// take it: then the outcome replaces it.
	select {
	case a.updates <- *a.pending:
		a.pending = nil
	default:
	}
	sched := scheduleAttempt(a.cc.opts.connectParams, a.failures)
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, sched.timeout)
	defer cancel()
	res := a.cc.dialAddress(dctx, a.connCtx, a.sc.addr, a.keepalive)
	switch {
	case res.err == nil && ctx.Err() != nil:
		// Shut down while dialling: the new connection is not wanted.
		res.conn.Close(ErrClientConnClosing)
		<-res.conn.Done()
		if res.stats != nil {
			<-res.stats.Done()
		}
	case res.err == nil:
		a.failures = 0
		a.conn = res.conn
		if res.stats != nil {
			a.connStats = append(a.connStats, res.stats)
		}
		a.move(scConnected)
		a.connected(ctx)
	case ctx.Err() == nil:
		a.failures++
		a.wait = sched.waitAfterFailure(time.Since(start))
		a.move(scDialFailed)
		a.report(scView{state: connectivity.TransientFailure, err: res.err})
	}
}

// backoff waits out the failed attempt's backoff, then goes IDLE: the
// balancer decides whether to connect again. It leaves only once the
// TRANSIENT_FAILURE report went out, even when the wait is over at once
// (an attempt that failed slower than its backoff): IDLE replacing it
// unsent would hide the failure from the policy, and pick_first, seeing
// its subchannel merely IDLE, would try the same address again instead of
// the next.
func (a *subchannelActor) backoff(ctx context.Context, out chan<- subchannelUpdate, next subchannelUpdate) {
	timer := time.NewTimer(a.wait)
	defer timer.Stop()
	waited := false
	for !waited || a.pending != nil {
		select {
		case out <- next:
			a.pending, out = nil, nil
		case reply := <-a.sc.probe:
			a.answerProbe(reply)
		case <-timer.C:
			waited = true
		case <-ctx.Done():
			return
		}
	}
	a.move(scBackoffOver)
	a.report(scView{state: connectivity.Idle})
}

// report makes v the report to send next, replacing one not yet sent.
func (a *subchannelActor) report(v scView) {
	a.counts.Out++
	u := &subchannelUpdate{sc: a.sc, state: v.state, err: v.err}
	if v.withConn {
		u.conn = a.conn
	}
	a.pending = u
}

// pruneDrained forgets the connections that finished draining. Not
// inlined: it would grow run's frame, which the actor idles on.
//
//go:noinline
func (a *subchannelActor) pruneDrained() {
	live := a.draining[:0]
	for _, c := range a.draining {
		select {
		case <-c.Done():
			a.ended.connGone(c)
		default:
			live = append(live, c)
		}
	}
	a.draining = live
	a.connStats = slices.DeleteFunc(a.connStats, func(r *actors.Ref) bool {
		select {
		case <-r.Done():
			return true
		default:
			return false
		}
	})
}

// drain ends the subchannel: its connection closes gracefully, and the
// actor waits until every connection it made has ended. When the channel
// closes meanwhile, the calls still on them end at once, as Canceled
// (grpc-go's "the client connection is closing").
func (a *subchannelActor) drain() {
	a.move(scShutdown)
	a.stopHealthWatch()
	if a.conn != nil {
		a.conn.GracefulClose()
		a.draining = append(a.draining, a.conn)
		a.conn = nil
	}
	for _, c := range a.draining {
		select {
		case <-c.Done():
		case <-a.chanCtx.Done():
			c.Close(errClosing().Err())
			<-c.Done()
		}
	}
	for _, r := range a.connStats {
		<-r.Done() // ConnEnd told: a handler that blocks there holds Close
	}
}

// newSubchannel spawns a subchannel actor for addr, in state IDLE, under
// the channel actor's context; its connections live under connCtx. health
// is what it watches once connected, until the channel says otherwise.
func (cc *ClientConn) newSubchannel(chanCtx, connCtx context.Context, addr resolver.Address, updates chan<- subchannelUpdate, health healthSetting) *subchannel {
	sc := &subchannel{addr: addr, connect: make(chan struct{}, 1), health: make(chan healthSetting, 1), probe: make(chan chan<- actors.Report)}
	a := &subchannelActor{sc: sc, cc: cc, chanCtx: chanCtx, connCtx: connCtx, updates: updates, state: connectivity.Idle, counts: actors.StartCounts(),
		keepalive: cc.opts.keepalive, healthCfg: health}
	sc.ref = actors.Spawn(chanCtx, "subchannel/"+addr.String(), a.run, actors.WithProbe(sc.probe),
		logPanics(cc.opts.logger, "target", cc.target, "address", addr.Addr))
	return sc
}

type dialResult struct {
	conn  *connactor.Conn
	stats *actors.Ref // the actor telling the stats handlers of conn; nil without them
	err   error
}

// dialAddress connects to addr: the socket, the credentials' handshake,
// then HTTP/2's. The connection lives under parent.
func (cc *ClientConn) dialAddress(ctx, parent context.Context, addr resolver.Address, ka keepalive.ClientParameters) dialResult {
	nc, err := cc.opts.dialer(ctx, addr)
	if err != nil {
		return dialResult{err: fmt.Errorf("connecting to %s: %w", addr, err)}
	}
	serverName := cc.authority
	if addr.ServerName != "" {
		serverName = addr.ServerName
	}
	secured, authInfo, err := cc.opts.creds.ClientHandshake(ctx, serverName, nc)
	if err != nil {
		nc.Close()
		cc.opts.logger.Info("rpc: the credentials' handshake failed", "target", cc.target, "peer", addr.Addr, "error", err.Error())
		return dialResult{err: fmt.Errorf("handshake with %s: %w", addr, err)}
	}
	handshake := time.Duration(0) // connactor's default
	if d, ok := ctx.Deadline(); ok {
		handshake = max(time.Until(d), time.Millisecond)
	}
	// The handshake must end when ctx does (a Shutdown, the channel
	// closing), but parent outlives ctx: closing the socket ends it.
	stop := context.AfterFunc(ctx, func() { secured.Close() })
	defer stop()
	conn, err := connactor.Dial(parent, secured, connactor.Config{
		Name:                         "client " + addr.String(),
		HandshakeTimeout:             handshake,
		KeepaliveTime:                ka.Time,
		KeepaliveTimeout:             ka.Timeout,
		KeepalivePermitWithoutStream: ka.PermitWithoutStream,
		StreamWindow:                 cc.opts.streamWindow,
		ConnWindow:                   cc.opts.connWindow,
		StaticWindows:                cc.opts.streamWindow != 0 || cc.opts.connWindow != 0, // as in grpc-go: a window set turns BDP off
		MaxHeaderListSize:            cc.opts.maxHeaderListSize,
		AuthInfo:                     authInfo, // for peer.Peer and per-RPC credentials
		Logger:                       cc.opts.logger.With("target", cc.target),
	})
	if err != nil {
		secured.Close()
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return dialResult{err: fmt.Errorf("connecting to %s: %w", addr, err)}
	}
	return dialResult{conn: conn, stats: cc.watchConnStats(parent, conn)}
}
