package rpc

import (
	"math"
	"time"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// The subchannel's decisions, apart from the actor that carries them out:
// its connectivity state machine, the schedule of its attempts (gRPC's
// connection-backoff spec), what a GOAWAY changes, and what it reports
// while a health watch runs. All pure; the actor dials, waits and reports.

// scEvent is what moves a subchannel's state.
type scEvent uint8

const (
	scConnect     scEvent = iota // the balancer's Connect
	scConnected                  // the attempt gave a connection
	scDialFailed                 // the attempt failed
	scBackoffOver                // the wait after a failed attempt ended
	scGoingAway                  // the connection's GoingAway closed: GOAWAY, or its end
	scShutdown                   // the balancer's Shutdown, or the channel closed
)

func (e scEvent) String() string {
	switch e {
	case scConnect:
		return "connect"
	case scConnected:
		return "connected"
	case scDialFailed:
		return "dial failed"
	case scBackoffOver:
		return "backoff over"
	case scGoingAway:
		return "going away"
	case scShutdown:
		return "shutdown"
	}
	return "event?"
}

// scNext is the subchannel's state machine (gRPC's connectivity semantics,
// and A62 for what follows a failure):
//
//	IDLE --connect--> CONNECTING --connected--> READY --going away--> IDLE
//	                  CONNECTING --dial failed--> TRANSIENT_FAILURE --backoff over--> IDLE
//	any --shutdown--> SHUTDOWN (for good)
//
// A failed subchannel stays in TRANSIENT_FAILURE until its backoff is
// over, whatever the balancer asks: that is what keeps a policy from
// hammering a dead backend. From IDLE only the balancer moves it: it
// decides whether and when to connect again. ok is false for an event
// that does not apply in s; the state is then unchanged.
func scNext(s connectivity.State, e scEvent) (next connectivity.State, ok bool) {
	if e == scShutdown || s == connectivity.Shutdown {
		return connectivity.Shutdown, s != connectivity.Shutdown
	}
	switch {
	case s == connectivity.Idle && e == scConnect:
		return connectivity.Connecting, true
	case s == connectivity.Connecting && e == scConnected:
		return connectivity.Ready, true
	case s == connectivity.Connecting && e == scDialFailed:
		return connectivity.TransientFailure, true
	case s == connectivity.Ready && e == scGoingAway:
		return connectivity.Idle, true
	case s == connectivity.TransientFailure && e == scBackoffOver:
		return connectivity.Idle, true
	}
	return s, false
}

// attemptSchedule is one connection attempt's timing, drawn once when it
// starts, as connection-backoff.md has it:
//
//	TryConnect(Max(current_deadline, now() + MIN_CONNECT_TIMEOUT))
//	SleepUntil(current_deadline)
//
// where current_deadline is the attempt's start plus current_backoff. The
// backoff counts from the start of the attempt, not from its failure, so
// a slow failure does not add to the wait; and the same draw bounds the
// attempt and the wait (two draws would jitter them apart).
type attemptSchedule struct {
	// backoff is current_backoff: INITIAL_BACKOFF exactly for the first
	// attempt since the last success, then times MULTIPLIER each failure,
	// at most MAX_BACKOFF, with JITTER.
	backoff time.Duration
	// timeout bounds the attempt: the backoff, but never less than
	// MIN_CONNECT_TIMEOUT.
	timeout time.Duration
}

// scheduleAttempt is the schedule of the attempt that follows failures
// failed attempts (0 after a success, or for the first).
func scheduleAttempt(cp ConnectParams, failures int) attemptSchedule {
	b := cp.Backoff.Delay(failures)
	return attemptSchedule{backoff: b, timeout: max(b, cp.MinConnectTimeout)}
}

// waitAfterFailure is how long to stay in TRANSIENT_FAILURE after an
// attempt that failed elapsed after it started: until its deadline.
func (s attemptSchedule) waitAfterFailure(elapsed time.Duration) time.Duration {
	return max(s.backoff-elapsed, 0)
}

// calmedKeepalive is the keepalive time for our next connections after
// one went away. A server that sent us away because our pings were too
// many (ENHANCE_YOUR_CALM, "too_many_pings") gets them half as often, as
// A8 asks: its ping policy is not known in advance, and pinging at the
// same rate would only be sent away again. Anything else changes nothing.
func calmedKeepalive(ka keepalive.ClientParameters, ga connactor.GoAway, fromPeer bool) keepalive.ClientParameters {
	if fromPeer && ga.TooManyPings() && ka.Time > 0 && ka.Time < math.MaxInt64/2 {
		ka.Time *= 2
	}
	return ka
}

// scView is what a subchannel reports: its state, with its connection
// when READY (how the channel is told it, see subchannelUpdate) and why
// when failing.
type scView struct {
	state    connectivity.State
	withConn bool
	err      error
}

// healthView is what a connected subchannel reports under client-side
// health checking (A17). Without it, READY. With it, CONNECTING until the
// watch's first word, then what the watch said; a backend that does not
// implement the health service is taken as healthy.
func healthView(checking bool, last *healthReport) scView {
	switch {
	case !checking || last != nil && last.unimplemented:
		return scView{state: connectivity.Ready, withConn: true}
	case last == nil:
		return scView{state: connectivity.Connecting}
	case last.state == connectivity.Ready:
		return scView{state: connectivity.Ready, withConn: true}
	default:
		return scView{state: last.state, err: last.err}
	}
}
