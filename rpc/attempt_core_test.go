package rpc

import (
	"fmt"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
)

// coreEvent is one thing a driver tells the core, and the step it must
// answer with.
type coreEvent struct {
	ev   string // "launched", "ended", "throttle", "timer", "commit"
	end  attemptEnd
	ok   bool // "throttle": the throttle's answer
	want step
}

func launched(want step) coreEvent { return coreEvent{ev: "launched", want: want} }
func ended(e attemptEnd, want step) coreEvent {
	return coreEvent{ev: "ended", end: e, want: want}
}
func throttle(ok bool, want step) coreEvent { return coreEvent{ev: "throttle", ok: ok, want: want} }
func timer(want step) coreEvent             { return coreEvent{ev: "timer", want: want} }
func commit() coreEvent                     { return coreEvent{ev: "commit"} }

var (
	wait        = step{act: actWait}
	launch      = step{act: actLaunch}
	finish      = step{act: actFinish}
	askThrottle = step{act: actAskThrottle}
)

func sleepFor(d time.Duration) step { return step{act: actSleep, delay: d} }

func failed(c codes.Code) attemptEnd { return attemptEnd{code: c} }
func unprocessed() attemptEnd        { return attemptEnd{code: codes.Unavailable, unprocessed: true} }
func pushedBack(c codes.Code, d time.Duration) attemptEnd {
	return attemptEnd{code: c, pushback: pushbackDelay, pushedFor: d}
}
func stopped(c codes.Code) attemptEnd { return attemptEnd{code: c, pushback: pushbackStop} }

var (
	retry4 = &serviceconfig.RetryPolicy{MaxAttempts: 4, InitialBackoff: 100 * time.Millisecond,
		MaxBackoff: 300 * time.Millisecond, BackoffMultiplier: 2,
		RetryableStatusCodes: map[codes.Code]bool{codes.Unavailable: true}}
	hedge3 = &serviceconfig.HedgingPolicy{MaxAttempts: 3, HedgingDelay: 50 * time.Millisecond,
		NonFatalStatusCodes: map[codes.Code]bool{codes.Unavailable: true}}
)

// TestAttemptCore plays scripts of events to the core and checks each
// decision. The backoff draw is fixed to the top of its range (bound-1)
// so that the growth of the bound shows.
func TestAttemptCore(t *testing.T) {
	tests := []struct {
		name      string
		retry     *serviceconfig.RetryPolicy
		hedge     *serviceconfig.HedgingPolicy
		throttled bool
		disabled  bool
		script    []coreEvent
	}{
		{name: "no policy: success", script: []coreEvent{
			launched(wait), ended(failed(codes.OK), finish)}},
		{name: "no policy: a failure ends the call", script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "no policy: one transparent retry, not counted", script: []coreEvent{
			launched(wait), ended(unprocessed(), launch), launched(wait), ended(unprocessed(), finish)}},
		{name: "retry: backoff grows to maxBackoff, then maxAttempts ends it", retry: retry4, script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), sleepFor(100*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), sleepFor(200*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), sleepFor(300*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "retry: a transparent retry does not count against maxAttempts", retry: retry4, script: []coreEvent{
			launched(wait), ended(unprocessed(), launch), launched(wait),
			ended(failed(codes.Unavailable), sleepFor(100*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), sleepFor(200*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), sleepFor(300*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "retry: a non-retryable code ends the call", retry: retry4, script: []coreEvent{
			launched(wait), ended(failed(codes.Internal), finish)}},
		{name: "retry: response headers commit", retry: retry4, script: []coreEvent{
			launched(wait), ended(attemptEnd{code: codes.Unavailable, committed: true}, finish)}},
		{name: "retry: a commit (buffer overflow) ends retries, not transparent ones", retry: retry4, script: []coreEvent{
			launched(wait), commit(), ended(failed(codes.Unavailable), finish)}},
		{name: "retry: pushback sets the delay and restarts the backoff", retry: retry4, script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), sleepFor(100*time.Millisecond-1)),
			timer(launch), launched(wait), ended(pushedBack(codes.Unavailable, 7*time.Second), sleepFor(7*time.Second)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), sleepFor(100*time.Millisecond-1))}},
		{name: "retry: a stopping pushback ends the call", retry: retry4, script: []coreEvent{
			launched(wait), ended(stopped(codes.Unavailable), finish)}},
		{name: "retry: throttled, allowed", retry: retry4, throttled: true, script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(true, sleepFor(100*time.Millisecond-1))}},
		{name: "retry: throttled, refused", retry: retry4, throttled: true, script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(false, finish)}},
		{name: "retry: a stopping pushback counts for the throttle even on a non-retryable code", retry: retry4, throttled: true, script: []coreEvent{
			launched(wait), ended(stopped(codes.Internal), askThrottle), throttle(true, finish)}},
		{name: "retry: the last attempt's failure is counted too", retry: retry4, throttled: true, script: []coreEvent{
			launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(true, sleepFor(100*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(true, sleepFor(200*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(true, sleepFor(300*time.Millisecond-1)),
			timer(launch), launched(wait), ended(failed(codes.Unavailable), askThrottle), throttle(true, finish)}},
		{name: "retry: disabled keeps transparent retries only", retry: retry4, disabled: true, script: []coreEvent{
			launched(wait), ended(unprocessed(), launch), launched(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "hedge: every hedgingDelay until maxAttempts; the first OK wins", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			timer(launch), launched(wait), timer(wait), ended(failed(codes.OK), finish)}},
		{name: "hedge: a non-fatal code sends the next at once", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), ended(failed(codes.Unavailable), launch),
			launched(sleepFor(50 * time.Millisecond)), ended(failed(codes.Unavailable), launch),
			launched(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "hedge: non-fatal failures wait for the others still running", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			timer(launch), launched(wait),
			ended(failed(codes.Unavailable), wait), ended(failed(codes.Unavailable), wait),
			ended(failed(codes.Unavailable), finish)}},
		{name: "hedge: a fatal code ends the call", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			ended(failed(codes.Internal), finish), timer(wait)}},
		{name: "hedge: response headers commit", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			ended(attemptEnd{code: codes.Unavailable, committed: true}, finish)}},
		{name: "hedge: a positive pushback delays the next hedge", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), ended(pushedBack(codes.Unavailable, time.Second), sleepFor(time.Second)),
			timer(launch), launched(sleepFor(50 * time.Millisecond))}},
		{name: "hedge: a stopping pushback sends no more hedges", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			ended(stopped(codes.Unavailable), wait), timer(wait), ended(failed(codes.Unavailable), finish)}},
		{name: "hedge: the throttle stops hedges", hedge: hedge3, throttled: true, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			ended(failed(codes.Unavailable), askThrottle), throttle(false, wait), timer(wait),
			ended(failed(codes.Unavailable), askThrottle), throttle(false, finish)}},
		{name: "hedge: the throttle allowing, the next goes at once", hedge: hedge3, throttled: true, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), ended(failed(codes.Unavailable), askThrottle), throttle(true, launch),
			launched(sleepFor(50 * time.Millisecond))}},
		{name: "hedge: a hedge that was never sent stops hedging, the others go on", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(sleepFor(50 * time.Millisecond)),
			ended(attemptEnd{code: codes.Unavailable, notSent: true}, wait), timer(wait),
			ended(failed(codes.OK), finish)}},
		{name: "hedge: a hedge never sent, and nothing else running, ends the call", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), ended(attemptEnd{code: codes.Internal, notSent: true}, finish)}},
		{name: "hedge: an unprocessed attempt is replaced at once, uncounted", hedge: hedge3, script: []coreEvent{
			launched(sleepFor(50 * time.Millisecond)), ended(unprocessed(), launch), launched(wait),
			timer(launch), launched(sleepFor(50 * time.Millisecond)), timer(launch), launched(wait), timer(wait)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := attemptCore{draw: func(n int64) int64 { return n - 1 }}
			c.init(tc.retry, tc.hedge, tc.throttled, tc.disabled)
			for i, e := range tc.script {
				var got step
				switch e.ev {
				case "launched":
					got = c.launched()
				case "ended":
					got = c.ended(e.end)
				case "throttle":
					got = c.throttleSaid(e.ok)
				case "timer":
					got = c.timerFired()
				case "commit":
					c.commit()
					continue
				}
				if got != e.want {
					t.Fatalf("event %d (%s %+v): got %s, want %s", i, e.ev, e.end, fmtStep(got), fmtStep(e.want))
				}
			}
		})
	}
}

func fmtStep(s step) string {
	if s.act == actSleep {
		return fmt.Sprintf("sleep %v", s.delay)
	}
	return s.act.String()
}

// TestAttemptCorePreviousAttempts: grpc-previous-rpc-attempts counts the
// attempts before, a transparent retry taking its predecessor's number.
func TestAttemptCorePreviousAttempts(t *testing.T) {
	c := attemptCore{draw: func(n int64) int64 { return 0 }}
	c.init(retry4, nil, false, false)
	var got []int
	c.launched()
	got = append(got, c.previous)
	c.ended(unprocessed())
	c.launched()
	got = append(got, c.previous)
	c.ended(failed(codes.Unavailable))
	c.timerFired()
	c.launched()
	got = append(got, c.previous)
	if fmt.Sprint(got) != "[0 0 1]" {
		t.Errorf("previous attempts %v, want [0 0 1]", got)
	}
}

// TestPushback reads grpc-retry-pushback-ms as A6 says.
func TestPushback(t *testing.T) {
	for _, tc := range []struct {
		values []string
		kind   pushbackKind
		delay  time.Duration
	}{
		{nil, pushbackNone, 0},
		{[]string{"0"}, pushbackDelay, 0},
		{[]string{"150"}, pushbackDelay, 150 * time.Millisecond},
		{[]string{"-1"}, pushbackStop, 0},
		{[]string{"soon"}, pushbackStop, 0},
		{[]string{"1.5"}, pushbackStop, 0},
	} {
		md := map[string][]string{}
		if tc.values != nil {
			md["grpc-retry-pushback-ms"] = tc.values
		}
		kind, delay := pushback(md)
		if kind != tc.kind || delay != tc.delay {
			t.Errorf("pushback %q = %d, %v; want %d, %v", tc.values, kind, delay, tc.kind, tc.delay)
		}
	}
}
