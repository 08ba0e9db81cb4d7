package connactor

import (
	"fmt"
	"time"
)

// Server connection management (gRFC A9, grpc-go's
// keepalive.ServerParameters): a connection with no stream for
// MaxConnectionIdle is closed gracefully, and so is one older than
// MaxConnectionAge, whose streams then get MaxConnectionAgeGrace before
// the connection is closed hard. Clients so reconnect now and then, which
// spreads them over new backends (and new DNS answers). One deadline on
// the connection actor's timer (wakeups.go) serves all three.

// connAge is that state, owned by the connection actor. Its decisions
// take the time as an argument, so they can be tested without waiting.
type connAge struct {
	idleLimit, ageLimit, grace time.Duration

	born      time.Time
	idleSince time.Time // when the last stream ended (born, at first)
	aged      bool      // the age's GOAWAY went out; the grace runs
}

func newConnAge(cfg Config, now time.Time) *connAge {
	return &connAge{idleLimit: cfg.MaxConnectionIdle, ageLimit: cfg.MaxConnectionAge, grace: cfg.MaxConnectionAgeGrace, born: now, idleSince: now}
}

// ageVerdict is what the timer's firing means.
type ageVerdict uint8

const (
	ageWait     ageVerdict = iota // nothing due: re-arm for the returned delay
	ageIdle                       // idle too long: go away gracefully
	ageOld                        // too old: go away gracefully, the grace starts
	ageGraceEnd                   // the grace is over: close
)

// check decides at now, with streams open.
func (c *connAge) check(now time.Time, streams int) ageVerdict {
	switch {
	case c.aged && c.grace > 0 && !now.Before(c.born.Add(c.ageLimit+c.grace)):
		return ageGraceEnd
	case !c.aged && c.ageLimit > 0 && !now.Before(c.born.Add(c.ageLimit)):
		c.aged = true
		c.idleLimit = 0 // going away already
		return ageOld
	case c.idleLimit > 0 && streams == 0 && !now.Before(c.idleSince.Add(c.idleLimit)):
		c.idleLimit = 0 // going away: once is enough
		return ageIdle
	}
	return ageWait
}

// next is how long until something may be due, at now with streams open.
func (c *connAge) next(now time.Time, streams int) time.Duration {
	const never = 1<<63 - 1
	wait := time.Duration(never)
	if c.ageLimit > 0 {
		at := c.born.Add(c.ageLimit)
		if c.aged {
			if c.grace <= 0 {
				at = time.Time{}
			} else {
				at = at.Add(c.grace)
			}
		}
		if !at.IsZero() {
			wait = min(wait, at.Sub(now))
		}
	}
	if c.idleLimit > 0 {
		if streams == 0 {
			wait = min(wait, c.idleSince.Add(c.idleLimit).Sub(now))
		} else {
			// Busy: look again once a stream could have been idle that long.
			wait = min(wait, c.idleLimit)
		}
	}
	return max(wait, 0)
}

// noteStreamsEmpty records that the last stream ended.
func (c *connAge) noteStreamsEmpty(now time.Time) { c.idleSince = now }

// onAgeTimer acts on the age deadline; an error ends the connection.
func (a *connActor) onAgeTimer() error {
	now := time.Now()
	switch a.age.check(now, len(a.streams)) {
	case ageGraceEnd:
		return fmt.Errorf("%w: max connection age %v and its grace %v are over", ErrConnClosed, a.age.ageLimit, a.age.grace)
	case ageOld, ageIdle:
		a.beginGoAway()
	}
	if wait := a.age.next(now, len(a.streams)); wait < 1<<63-1 {
		a.wake.set(wakeAge, now.Add(wait))
	}
	return nil
}

// ageStreamEnded keeps the idle clock: called when a stream leaves the
// table.
func (a *connActor) ageStreamEnded() {
	if a.age != nil && len(a.streams) == 0 {
		a.age.noteStreamsEmpty(time.Now())
	}
}
