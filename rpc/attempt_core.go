package rpc

import (
	"math/rand/v2"
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
)

// attemptCore is the pure core of a call's attempts (gRFC A6): told what
// happened (an attempt started or ended, the channel's throttle answered,
// the call's timer fired, the call committed), it decides what the call
// does next. It does no I/O and reads no clock: the drivers (unary_attempts.go,
// stream_attempts.go) pick, send, wait and ask the throttle, and tell it
// each event. One attemptCore belongs to one call, on the goroutine that
// holds the call's attempts.
//
// What it decides, after A6:
//   - an attempt the server never processed (GOAWAY above its last stream
//     id, REFUSED_STREAM, never sent) is retried once at once, and does not
//     count against maxAttempts (a transparent retry);
//   - under a retryPolicy, a retryable status of an uncommitted call is
//     retried while attempts are left and the throttle allows, after the
//     server's pushback or else the policy's jittered exponential backoff;
//     a pushback that is negative or malformed ends the call;
//   - under a hedgingPolicy, attempts go every hedgingDelay until
//     maxAttempts; a non-fatal status lets the next go at once (or after a
//     positive pushback); a negative pushback or the throttle stops new
//     ones; a fatal status, or OK, ends the call and cancels the others.
type attemptCore struct {
	// Immutable after init.
	retry     *serviceconfig.RetryPolicy   // nil: no retry policy
	hedge     *serviceconfig.HedgingPolicy // nil: no hedging policy
	draw      func(n int64) int64          // a uniform draw in [0, n); tests fix it
	throttled bool                         // the channel throttles: failures count, every success gives back

	// (The bools sit together: every streaming call holds a core.)
	transparentUsed bool // the one transparent retry is spent
	nextTransparent bool // the launch asked for is the transparent retry
	committed       bool // response headers, a full buffer, or a fatal status
	stopped         bool // hedging: no new hedge (pushback or throttle said so)
	started         int  // attempts started that count against maxAttempts
	running         int  // attempts started and not yet ended
	previous        int  // grpc-previous-rpc-attempts of the attempt last launched
	backoffRetry    int  // the retry number the backoff was last drawn for
	pending         attemptEnd
}

// nextAction is what the driver does next.
type nextAction uint8

const (
	actWait        nextAction = iota // nothing now: wait for an attempt to end or the timer
	actLaunch                        // start an attempt now, then tell launched
	actSleep                         // (re)arm the call's timer for step.delay, then tell timerFired
	actAskThrottle                   // record a failure with the channel's throttle, then tell throttleSaid
	actFinish                        // the call ends with the attempt that just ended; cancel any other
)

var actionNames = [...]string{"wait", "launch", "sleep", "ask-throttle", "finish"}

func (a nextAction) String() string { return actionNames[a] }

// step is a decision of the core.
type step struct {
	act   nextAction
	delay time.Duration // actSleep
}

// pushbackKind is what the server's grpc-retry-pushback-ms said.
type pushbackKind uint8

const (
	pushbackNone  pushbackKind = iota // absent: the policy decides
	pushbackDelay                     // wait this long before the next attempt
	pushbackStop                      // negative or malformed: no further attempt
)

// attemptEnd is how one attempt ended.
type attemptEnd struct {
	code        codes.Code
	unprocessed bool // the server never saw it
	// committed: response headers arrived, or what the call sent can no
	// longer be replayed (it outgrew the retry buffer, or the channel had
	// no room for it).
	committed bool
	// notSent: a hedge never left (its pick or its request headers
	// failed): it sends no further hedge, and ends the call only when no
	// other attempt runs.
	notSent   bool
	pushback  pushbackKind
	pushedFor time.Duration // pushbackDelay
}

// init sets the policies of the method (as the first pick told them). A
// channel with retries disabled keeps only transparent retries.
func (c *attemptCore) init(retry *serviceconfig.RetryPolicy, hedge *serviceconfig.HedgingPolicy, throttled, disabled bool) {
	if !disabled {
		c.retry, c.hedge = retry, hedge
	}
	c.throttled = throttled
	if c.draw == nil {
		c.draw = rand.Int64N
	}
}

// hasPolicy: the call runs under a retry or hedging policy.
func (c *attemptCore) hasPolicy() bool { return c.retry != nil || c.hedge != nil }

// launched records that the driver started an attempt (the first one,
// or one it was told to launch); previous is then that attempt's
// grpc-previous-rpc-attempts. Under hedging it arms the next hedge.
func (c *attemptCore) launched() step {
	c.running++
	if c.nextTransparent {
		c.nextTransparent = false // it takes the place of the one the server never saw
		return step{act: actWait}
	}
	c.started++
	c.previous = c.started - 1
	if c.moreHedges() {
		return step{act: actSleep, delay: c.hedge.HedgingDelay}
	}
	return step{act: actWait}
}

// moreHedges: under hedging, another attempt may still be sent.
func (c *attemptCore) moreHedges() bool {
	return c.hedge != nil && !c.stopped && !c.committed && c.started < c.hedge.MaxAttempts
}

// commit records that the call is bound to its current attempt: response
// headers arrived, or the replay buffer overflowed. No retry follows.
func (c *attemptCore) commit() { c.committed = true }

// ended decides what follows an attempt's end.
func (c *attemptCore) ended(e attemptEnd) step {
	c.running--
	if e.code == codes.OK {
		c.committed = true
		return step{act: actFinish}
	}
	if e.unprocessed && !c.transparentUsed && !c.committed {
		c.transparentUsed = true
		c.nextTransparent = true
		return step{act: actLaunch}
	}
	switch {
	case c.committed || e.committed:
		c.committed = true
		return step{act: actFinish}
	case c.hedge != nil && e.notSent:
		c.stopped = true
		if c.running == 0 {
			return step{act: actFinish}
		}
		return step{act: actWait}
	case c.hedge != nil:
		if !c.hedge.NonFatal(e.code) {
			c.committed = true
			return step{act: actFinish}
		}
	case c.retry != nil:
		if e.pushback != pushbackStop && !c.retry.Retryable(e.code) {
			return step{act: actFinish}
		}
	default:
		return step{act: actFinish}
	}
	c.pending = e
	if c.throttled {
		// Every failure that counts for throttling is recorded, the last
		// attempt's too, and a pushback that stops retries counts (A6).
		return step{act: actAskThrottle}
	}
	return c.throttleSaid(true)
}

// throttleSaid continues the decision ended began, with the throttle's
// answer to "may a retry follow this failure?".
func (c *attemptCore) throttleSaid(allowed bool) step {
	e := c.pending
	if c.hedge != nil {
		if !allowed || e.pushback == pushbackStop {
			c.stopped = true
		}
		switch {
		case c.moreHedges() && e.pushback == pushbackDelay:
			return step{act: actSleep, delay: e.pushedFor}
		case c.moreHedges():
			return step{act: actLaunch}
		case c.running == 0:
			return step{act: actFinish}
		}
		return step{act: actWait}
	}
	if !allowed || e.pushback == pushbackStop || c.started >= c.retry.MaxAttempts {
		return step{act: actFinish}
	}
	if e.pushback == pushbackDelay {
		c.backoffRetry = 0 // after a pushback the backoff starts over
		return step{act: actSleep, delay: e.pushedFor}
	}
	c.backoffRetry++
	var d time.Duration
	if bound := c.retry.BackoffBound(c.backoffRetry); bound >= 1 {
		d = time.Duration(c.draw(int64(bound)))
	}
	return step{act: actSleep, delay: d}
}

// timerFired decides what the call's timer (a backoff, a pushback, the
// hedging delay) brings.
func (c *attemptCore) timerFired() step {
	if c.hedge != nil && !c.moreHedges() {
		return step{act: actWait}
	}
	if c.committed {
		return step{act: actWait}
	}
	return step{act: actLaunch}
}
