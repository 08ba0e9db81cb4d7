package rpc

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/actorpc/actorpc/actors"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
)

// channelMessage is what the channel actor is told: a closed set of types.
type channelMessage interface{ channelMessage() }

type (
	// pickMsg: a call asks for a connection (an Ask: the answer comes on
	// req.reply). One pointer, so that putting it in the inbox allocates
	// nothing: it is on every call's path.
	pickMsg struct{ req *pickRequest }
	// getStateMsg: GetState (Ask).
	getStateMsg struct{ watch *stateWatch }
	// watchStateMsg: WaitForStateChange; answered once the state differs
	// from watch.from.
	watchStateMsg struct{ watch *stateWatch }
	// connectMsg: Connect, leave IDLE.
	connectMsg struct{}
	// connErrorMsg: a blocking Dial asks why the channel is not READY.
	connErrorMsg struct {
		reply chan<- error // room for one. from: channel actor to caller; never
	}
)

func (pickMsg) channelMessage()       {}
func (getStateMsg) channelMessage()   {}
func (watchStateMsg) channelMessage() {}
func (connectMsg) channelMessage()    {}
func (connErrorMsg) channelMessage()  {}

// What a call tells the channel besides its pick: what its retries need.
type (
	// retryFailureMsg: a call with a retry or hedging policy failed
	// retryably; may it try again (the throttle)? An Ask.
	retryFailureMsg struct {
		reply chan<- bool // room for one. from: channel actor to caller; never
	}
	// retryReserveMsg: a stream asks for bytes more room in the channel's
	// retry buffer, to keep what it sends for a replay. An Ask.
	retryReserveMsg struct {
		bytes int
		reply chan<- bool // room for one. from: channel actor to caller; never
	}
	// retryDoneMsg: a call with a policy ended: the room it had reserved is
	// free, and a success earns the throttle a fraction of a token.
	retryDoneMsg struct {
		released int
		success  bool
	}
	// pickAbandonedMsg: a call gave up waiting for its pick. One pointer:
	// putting it in the inbox allocates nothing.
	pickAbandonedMsg struct{ pick *pickRequest }
)

func (retryFailureMsg) channelMessage()  {}
func (retryReserveMsg) channelMessage()  {}
func (retryDoneMsg) channelMessage()     {}
func (pickAbandonedMsg) channelMessage() {}

// send hands m to the channel actor; false when the channel has closed.
func (cc *ClientConn) send(m channelMessage) bool {
	select {
	case cc.inbox <- m:
		return true
	case <-cc.ref.Done():
		return false
	}
}

// channelActor owns the client channel: its resolver, its service config,
// its balancer (which runs on this goroutine), its subchannels (each one's
// newest report, as told), the calls waiting for a pick and the retry
// throttle. channel_core.go makes its decisions; the actor carries them
// out.
//
// Edges: resolver -> channel is a slot holding the newest state (never
// blocks the resolver); subchannel -> channel is a shared channel each
// subchannel sends to from its own select, keeping only its newest report
// meanwhile (never blocks the subchannel); calls -> channel is the inbox,
// and every reply channel has room for what the channel sends on it, so
// the channel never waits on anyone.
//
// receiver: channel actor
type channelActor struct {
	cc  *ClientConn
	ctx context.Context
	// failedPicks counts the calls that failed before a pick gave them a
	// connection, for Inspect (entity_stats.go); owned by the loop.
	failedPicks int64
	// connCtx is the parent of every connection: it ends only after every
	// subchannel has closed its connections with the channel's own error.
	connCtx context.Context

	target      resolver.Target
	builder     resolver.Builder
	resolver    resolver.Resolver // nil until the channel leaves IDLE
	resolverIn  *resolverLink
	resolved    bool  // a first state arrived
	resolverErr error // the last error, cleared by a good state

	config   *serviceconfig.Config // the service config in force
	throttle *serviceconfig.Throttle
	// retryBuffered is what calls with a retry policy keep of their
	// requests to replay them, all together; bounded by the channel's
	// retry buffer limit.
	retryBuffered int

	lbName       string
	lb           balancer.Balancer
	picker       balancer.Picker
	connectivity channelConnectivity // what the channel's state is made of
	state        connectivity.State  // connectivity.state(), as the watchers were last told

	// subchannels holds each live subchannel's newest report, as the
	// subchannel sent it: the channel never edits one (the subchannel owns
	// its state and its connection, see subchannelUpdate), a newer report
	// replaces it, and Shutdown removes it.
	subchannels map[*subchannel]subchannelUpdate
	removed     []*subchannel // shut down, maybe still draining
	// scUpdates is where subchannels report; each offers its newest
	// report in its own select. from: subchannel; never
	scUpdates chan subchannelUpdate

	waiting  []*pickRequest
	watchers []*stateWatch
	// lastConnErr is the latest error a subchannel failed with, for a
	// blocking Dial's WithReturnConnectionError and FailOnNonTempDialError.
	lastConnErr error

	// probe carries Inspect's questions; the caller's context bounds the
	// wait. from: caller; blocks
	probe <-chan chan<- actors.Report

	counts actors.Counts // its traffic, for Inspect (channel_counts.go)
}

func (a *channelActor) run(ctx context.Context) error {
	a.ctx = ctx
	connCtx, endConns := context.WithCancel(context.WithoutCancel(ctx))
	defer endConns()
	a.connCtx = connCtx
	a.subchannels = make(map[*subchannel]subchannelUpdate)
	a.scUpdates = make(chan subchannelUpdate, 16)
	a.resolverIn = newResolverLink()
	a.config = a.cc.opts.defaultServiceConfig
	defer a.shutdown()
	for {
		select {
		case m := <-a.cc.inbox:
			a.handle(m)
		case u := <-a.resolverIn.updates:
			a.counts.In++
			a.resolverUpdate(u)
		case u := <-a.scUpdates:
			a.counts.In++
			a.subchannelUpdate(u)
		case reply := <-a.probe:
			a.answerProbe(reply)
		case <-ctx.Done():
			return nil
		}
	}
}

// answerProbe answers Inspect, after what calls said before it. It is a
// function of its own so that run's frame, which the idle channel parks
// in, stays small (README "Buffers": a parked stack halves at GC only
// while it uses under 1,248 bytes).
//
//go:noinline
func (a *channelActor) answerProbe(reply chan<- actors.Report) {
	a.handleQueued()
	actors.Answer(reply, actors.Report{State: a.describe(), Stats: ChannelStats{Ref: a.cc.ref, Target: a.cc.target, State: a.state.String(), FailedBeforePick: a.failedPicks}, Counts: a.counts, Children: a.children()})
}

// handleQueued handles what calls already put in the inbox, so that an
// inspection describes the channel after everything said to it before
// (a call that ended has told the channel it released its retry buffer;
// Inspect must not overtake that message).
func (a *channelActor) handleQueued() {
	for range len(a.cc.inbox) {
		a.handle(<-a.cc.inbox)
	}
}

func (a *channelActor) handle(m channelMessage) {
	a.count(m)
	switch m := m.(type) {
	case pickMsg:
		a.exitIdle()
		if !a.place(m.req) {
			a.queue(m.req)
		}
	case retryFailureMsg, retryReserveMsg, retryDoneMsg, pickAbandonedMsg:
		a.handleCall(m)
	case getStateMsg:
		m.watch.reply <- a.state
	case watchStateMsg:
		a.watch(m.watch)
	case connectMsg:
		a.exitIdle()
		if a.lb != nil {
			a.lb.ExitIdle()
		}
	case connErrorMsg:
		err := a.lastConnErr
		if err == nil {
			err = a.resolverErr
		}
		m.reply <- err
	}
}

// handleCall handles what a call tells the channel besides its pick.
func (a *channelActor) handleCall(m channelMessage) {
	switch m := m.(type) {
	case retryFailureMsg:
		allowed := true
		if a.throttle != nil {
			a.throttle.RecordFailure()
			allowed = a.throttle.RetryAllowed()
		}
		m.reply <- allowed
	case pickAbandonedMsg:
		// The call may have given up on a bound of its own (the method
		// config's timeout) while still waiting here: it leaves at the
		// next repick without being placed.
		m.pick.abandoned = true
		a.retryBuffered -= m.pick.reserved
		m.pick.reserved = 0
	case retryReserveMsg:
		ok := a.retryBuffered+m.bytes <= a.cc.opts.channelRetryBuffer
		if ok {
			a.retryBuffered += m.bytes
		}
		m.reply <- ok
	case retryDoneMsg:
		a.retryBuffered -= m.released
		if m.success && a.throttle != nil {
			a.throttle.RecordSuccess()
		}
	}
}

// exitIdle starts resolving on the first call or Connect, as grpc-go's
// NewClient does: a channel nobody uses costs no lookup and no connection.
func (a *channelActor) exitIdle() {
	if a.connectivity.exitedIdle {
		return
	}
	a.connectivity.exitedIdle = true
	a.updateState()
	r, err := a.buildResolver() // policy_guard.go
	if err != nil {
		a.resolverFailed(err)
		return
	}
	a.resolver = r
}

// subchannelUpdate records a subchannel's report and hands it to the
// balancer. A report from a subchannel the balancer shut down is dropped.
func (a *channelActor) subchannelUpdate(u subchannelUpdate) {
	if _, live := a.subchannels[u.sc]; !live {
		return
	}
	a.subchannels[u.sc] = u
	if u.err != nil {
		a.lastConnErr = u.err
	}
	if u.state == connectivity.TransientFailure && a.resolver != nil {
		a.resolver.ResolveNow()
	}
	a.lb.UpdateSubConnState(u.sc, balancer.SubConnState{ConnectivityState: u.state, ConnectionError: u.err})
	// A call may have waited for this very subchannel to come back.
	a.repick()
}

// shutdown ends everything the channel started and waits for it, so that
// no goroutine of the channel outlives Close.
func (a *channelActor) shutdown() {
	a.resolverIn.close()
	if a.resolver != nil {
		a.resolver.Close()
	}
	if a.lb != nil {
		a.lb.Close()
	}
	for sc := range a.subchannels {
		sc.Shutdown()
	}
	a.connectivity.closed = true
	a.updateState()
	for _, p := range a.waiting {
		if v, st := triagePick(pickFacts{abandoned: p.abandoned, closed: true}); v == pickFail {
			p.fail(st)
		}
	}
	for _, sc := range a.removed {
		<-sc.ref.Done()
	}
}

// spawnSubchannel is the balancer's NewSubConn.
func (a *channelActor) spawnSubchannel(addr resolver.Address) *subchannel {
	sc := a.cc.newSubchannel(a.ctx, a.connCtx, addr, a.scUpdates, a.healthSetting())
	sc.owner = a
	a.subchannels[sc] = subchannelUpdate{sc: sc, state: connectivity.Idle}
	return sc
}

// removeSubchannel is a SubConn's Shutdown, which the balancer calls on
// this goroutine.
func (a *channelActor) removeSubchannel(sc *subchannel) {
	if _, live := a.subchannels[sc]; !live {
		return
	}
	delete(a.subchannels, sc)
	sc.ref.Stop()
	live := a.removed[:0]
	for _, old := range a.removed {
		select {
		case <-old.ref.Done():
		default:
			live = append(live, old)
		}
	}
	a.removed = append(live, sc)
}

// readyConn is the connection a pick may use on the subchannel sc: the
// one its newest report carries (READY), unless that connection is going
// away, which is asked of the connection itself. Nil: none.
func (a *channelActor) readyConn(sc balancer.SubConn) *connactor.Conn {
	s, ok := sc.(*subchannel)
	if !ok {
		return nil
	}
	conn := a.subchannels[s].conn
	if conn == nil {
		return nil
	}
	select {
	case <-conn.GoingAway():
		return nil
	default:
		return conn
	}
}

// describe is what Inspect shows: the channel's state and policy, each
// subchannel with its newest report, the calls waiting.
func (a *channelActor) describe() string {
	var scs []string
	for sc, u := range a.subchannels {
		scs = append(scs, fmt.Sprintf("%s ready=%t (%s)", sc.addr, u.conn != nil, u.state))
	}
	sort.Strings(scs)
	desc := fmt.Sprintf("state=%s lb=%s subchannels=[%s] waiting=%d retry_buffered=%d",
		a.state, a.lbName, strings.Join(scs, ", "), len(a.waiting), a.retryBuffered)
	if a.throttle != nil {
		desc += fmt.Sprintf(" retry_tokens=%.3f", a.throttle.Tokens())
	}
	return desc + a.troubles()
}
