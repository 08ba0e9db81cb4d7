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

// channelMsg is what calls and the application tell the channel actor.
type channelMsg struct {
	kind  channelMsgKind
	pick  *pickRequest
	conn  *connactor.Conn // msgConnFailed
	watch *stateWatch     // msgGetState, msgWatchState
	retry chan<- bool     // msgRetryFailure, msgRetryReserve; room for one
	done  retryDone       // msgRetryDone
	bytes int             // msgRetryReserve
	err   chan<- error    // msgConnError; room for one
}

// retryDone is what a call with a retry policy reports when it ends.
type retryDone struct {
	released int  // retry buffer bytes it had reserved
	success  bool // it succeeded: the throttle earns a fraction of a token
}

type channelMsgKind uint8

const (
	msgPick          channelMsgKind = iota
	msgConnFailed                   // a call found conn going away
	msgGetState                     // GetState
	msgWatchState                   // WaitForStateChange
	msgConnect                      // Connect: leave IDLE
	msgRetryFailure                 // a call with a retry policy failed retryably: may it retry?
	msgRetryDone                    // a call with a retry policy ended
	msgPickAbandoned                // a call gave up waiting for its pick
	msgConnError                    // a blocking Dial asks why the channel is not READY
	msgRetryReserve                 // a stream asks for room in the retry buffer to keep what it sends
)

// channelActor owns the client channel: its resolver, its service config,
// its balancer (which runs on this goroutine), the subchannels' latest
// connections, the calls waiting for a pick and the retry throttle.
//
// Edges: resolver -> channel is a slot holding the newest state (never
// blocks the resolver); subchannel -> channel is a shared channel each
// subchannel sends to from its own select, keeping only its newest report
// meanwhile (never blocks the subchannel); calls -> channel is the inbox,
// and every reply channel has room for what the channel sends on it, so
// the channel never waits on anyone.
type channelActor struct {
	cc  *ClientConn
	ctx context.Context
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

	lbName string
	lb     balancer.Balancer
	picker balancer.Picker
	state  connectivity.State

	// subchannels maps each live subchannel to its connection while it
	// is READY (nil otherwise).
	subchannels map[*subchannel]*connactor.Conn
	removed     []*subchannel // shut down, maybe still draining
	scUpdates   chan subchannelUpdate

	waiting  []*pickRequest
	watchers []*stateWatch
	// lastConnErr is the latest error a subchannel failed with, for a
	// blocking Dial's WithReturnConnectionError and FailOnNonTempDialError.
	lastConnErr error

	probe <-chan chan<- string // Inspect's questions
}

func (a *channelActor) run(ctx context.Context) error {
	a.ctx = ctx
	connCtx, endConns := context.WithCancel(context.WithoutCancel(ctx))
	defer endConns()
	a.connCtx = connCtx
	a.subchannels = make(map[*subchannel]*connactor.Conn)
	a.scUpdates = make(chan subchannelUpdate, 16)
	a.resolverIn = newResolverLink()
	a.config = a.cc.opts.defaultServiceConfig
	defer a.shutdown()
	for {
		select {
		case m := <-a.cc.inbox:
			a.handle(m)
		case u := <-a.resolverIn.updates:
			a.resolverUpdate(u)
		case u := <-a.scUpdates:
			a.subchannelUpdate(u)
		case reply := <-a.probe:
			a.handleQueued()
			actors.Probe(reply, a.describe())
		case <-ctx.Done():
			return nil
		}
	}
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

func (a *channelActor) handle(m channelMsg) {
	switch m.kind {
	case msgPick:
		a.exitIdle()
		if !a.place(m.pick) {
			a.queue(m.pick)
		}
	case msgConnFailed:
		for sc, conn := range a.subchannels {
			if conn == m.conn {
				// The subchannel will see GOAWAY itself and report; until
				// then no call is sent to it.
				a.subchannels[sc] = nil
			}
		}
	case msgGetState:
		m.watch.reply <- a.state
	case msgWatchState:
		a.watch(m.watch)
	case msgConnect:
		a.exitIdle()
		if a.lb != nil {
			a.lb.ExitIdle()
		}
	case msgRetryFailure:
		allowed := true
		if a.throttle != nil {
			a.throttle.RecordFailure()
			allowed = a.throttle.RetryAllowed()
		}
		m.retry <- allowed
	case msgPickAbandoned:
		// The call may have given up on a bound of its own (the method
		// config's timeout) while still waiting here: it leaves at the
		// next repick without being placed.
		m.pick.abandoned = true
		a.retryBuffered -= m.pick.reserved
		m.pick.reserved = 0
	case msgConnError:
		err := a.lastConnErr
		if err == nil {
			err = a.resolverErr
		}
		m.err <- err
	case msgRetryReserve:
		ok := a.retryBuffered+m.bytes <= a.cc.opts.channelRetryBuffer
		if ok {
			a.retryBuffered += m.bytes
		}
		m.retry <- ok
	case msgRetryDone:
		a.retryBuffered -= m.done.released
		if m.done.success && a.throttle != nil {
			a.throttle.RecordSuccess()
		}
	}
}

// exitIdle starts resolving on the first call or Connect, as grpc-go's
// NewClient does: a channel nobody uses costs no lookup and no connection.
func (a *channelActor) exitIdle() {
	if a.resolver != nil || a.resolverErr != nil {
		return
	}
	a.setState(connectivity.Connecting)
	r, err := a.builder.Build(a.target, a.resolverIn, resolver.BuildOptions{})
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
	a.subchannels[u.sc] = u.conn
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
	a.setState(connectivity.Shutdown)
	for _, p := range a.waiting {
		p.fail(errClosing())
	}
	for _, sc := range a.removed {
		<-sc.ref.Done()
	}
}

// spawnSubchannel is the balancer's NewSubConn.
func (a *channelActor) spawnSubchannel(addr resolver.Address) *subchannel {
	sc := a.cc.newSubchannel(a.ctx, a.connCtx, addr, a.scUpdates, a.healthSetting())
	sc.owner = a
	a.subchannels[sc] = nil
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

// describe is what Inspect shows: the channel's state and policy, each
// subchannel with whether it has a connection, the calls waiting.
func (a *channelActor) describe() string {
	var scs []string
	for sc, conn := range a.subchannels {
		scs = append(scs, fmt.Sprintf("%s ready=%t", sc.addr, conn != nil))
	}
	sort.Strings(scs)
	desc := fmt.Sprintf("state=%s lb=%s subchannels=[%s] waiting=%d retry_buffered=%d",
		a.state, a.lbName, strings.Join(scs, ", "), len(a.waiting), a.retryBuffered)
	if a.throttle != nil {
		desc += fmt.Sprintf(" retry_tokens=%.3f", a.throttle.Tokens())
	}
	return desc
}
