package connactor

import "time"

// The connection actor's timed work (keepalive, the server's idle and age
// limits, the graceful shutdown's wait for its PING, the stall check) is
// served by one time.Timer set for the nearest deadline. A parked select
// holds a wait record per channel it waits on and a case's worth of stack
// per case, and an idle connection parks for as long as it lives: one
// timer case instead of four keeps the actor's idle stack and heap small
// (README "Buffers").

// wakeKind names a deadline.
type wakeKind uint8

const (
	wakeKeepalive wakeKind = iota // keepalive.go
	wakeAge                       // conn_age.go
	wakeShutdown                  // graceful.go: the shutdown PING's ACK is overdue
	wakeStall                     // stall.go: time to ask the writer
	wakeKinds
)

// wakeups is the deadlines and the timer that serves them, owned by the
// connection actor.
type wakeups struct {
	at    [wakeKinds]time.Time // zero: not armed
	timer *time.Timer          // made when a deadline is first set
	c     <-chan time.Time     // from: timer; never (nil, never ready, until a deadline is set)
	armed time.Time            // what the timer is set for; zero: stopped, or fired
}

// set arms deadline k for at, replacing what it was.
func (w *wakeups) set(k wakeKind, at time.Time) {
	w.at[k] = at
	w.arm()
}

// after arms deadline k for d from now.
func (w *wakeups) after(k wakeKind, d time.Duration) { w.set(k, time.Now().Add(d)) }

// clear disarms deadline k.
func (w *wakeups) clear(k wakeKind) {
	if w.at[k].IsZero() {
		return
	}
	w.at[k] = time.Time{}
	w.arm()
}

// arm sets the timer for the nearest deadline (and stops it when none is
// left).
func (w *wakeups) arm() {
	var next time.Time
	for _, at := range w.at {
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	if next.Equal(w.armed) {
		return
	}
	w.armed = next
	switch {
	case next.IsZero():
		w.timer.Stop() // armed was set, so the timer exists
	case w.timer == nil:
		w.timer = time.NewTimer(time.Until(next))
		w.c = w.timer.C
	default:
		w.timer.Reset(time.Until(next)) // no stale value is left in c (Go 1.23 timers)
	}
}

// due takes the deadlines that have passed at now, the timer having
// fired, and reports them as a set of bits by kind; the caller handles
// them and re-arms (arm).
func (w *wakeups) due(now time.Time) (kinds uint8) {
	w.armed = time.Time{}
	for k, at := range w.at {
		if !at.IsZero() && !now.Before(at) {
			w.at[k] = time.Time{}
			kinds |= 1 << k
		}
	}
	return kinds
}

// stop disarms every deadline, for good.
func (w *wakeups) stop() {
	w.at = [wakeKinds]time.Time{}
	if w.timer != nil {
		w.timer.Stop()
	}
}

// onWake handles the deadlines that passed; an error ends the connection.
func (a *connActor) onWake() error {
	kinds := a.wake.due(time.Now())
	defer a.wake.arm()
	if kinds&(1<<wakeShutdown) != 0 {
		a.onShutdownPingAck()
	}
	if kinds&(1<<wakeStall) != 0 {
		a.onStallTick()
	}
	if kinds&(1<<wakeKeepalive) != 0 {
		if err := a.onKeepaliveTimer(); err != nil {
			return err
		}
	}
	if kinds&(1<<wakeAge) != 0 {
		return a.onAgeTimer()
	}
	return nil
}
