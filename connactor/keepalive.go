package connactor

import (
	"fmt"
	"log/slog"
	"time"
)

// Keepalive (gRPC A8, with grpc-go's keepalive.ClientParameters
// semantics). The connection actor owns all of it: a deadline on its one
// timer (wakeups.go), no goroutine per ping. The hot path only records when the
// last batch of frames arrived (one clock read per batch, not a timer reset
// per frame); the timer, when it fires, decides from that whether the
// peer has been heard from.

// keepalivePing is the opaque data of our keepalive PINGs. No other PING
// this connection sends carries it, so an ACK of it, in a capture or a
// test, is known for what it is.
var keepalivePing = [8]byte{'k', 'e', 'e', 'p', 'a', 'l', 'v', 'e'}

// keepalive is the state of the keepalive timer. Its decisions (check)
// take the time as an argument, so they can be tested without waiting.
type keepalive struct {
	interval            time.Duration // Config.KeepaliveTime
	timeout             time.Duration // Config.KeepaliveTimeout
	permitWithoutStream bool

	lastRead    time.Time // when the last batch of frames arrived
	pingSentAt  time.Time // when the outstanding ping was sent
	outstanding bool      // a ping went out and nothing has been read since
	dormant     bool      // no streams, no pings: the timer is not armed
}

// kaVerdict is what the connection does when the keepalive timer fires.
type kaVerdict uint8

const (
	kaWait    kaVerdict = iota // re-arm the timer for the returned delay
	kaPing                     // send a PING, then re-arm for the returned delay
	kaDormant                  // leave the timer unarmed until a stream opens
	kaDead                     // the peer did not answer in time: close
)

func newKeepalive(cfg Config, now time.Time) *keepalive {
	return &keepalive{
		interval:            cfg.KeepaliveTime,
		timeout:             cfg.KeepaliveTimeout,
		permitWithoutStream: cfg.KeepalivePermitWithoutStream,
		// The handshake just read the peer's SETTINGS.
		lastRead: now,
	}
}

// check decides, at now, what the timer's firing means. Any frame read
// after the ping answers it (as in grpc-go: a busy peer whose ACK waits
// behind DATA is alive). While a ping is outstanding the timer wakes at
// least every interval, so that a read which answered it is followed by
// the next ping one interval after that read, not one timeout later.
func (k *keepalive) check(now time.Time, streams int) (kaVerdict, time.Duration) {
	if k.outstanding && k.lastRead.After(k.pingSentAt) {
		k.outstanding = false
	}
	if k.outstanding {
		left := k.pingSentAt.Add(k.timeout).Sub(now)
		if left <= 0 {
			return kaDead, 0
		}
		return kaWait, min(k.interval, left)
	}
	if idle := now.Sub(k.lastRead); idle < k.interval {
		return kaWait, k.interval - idle
	}
	if streams == 0 && !k.permitWithoutStream {
		k.dormant = true
		return kaDormant, 0
	}
	k.outstanding = true
	k.pingSentAt = now
	return kaPing, min(k.interval, k.timeout)
}

func (k *keepalive) deadErr() error {
	return fmt.Errorf("%w within %v: the peer or the path to it is dead", ErrKeepaliveTimeout, k.timeout)
}

func (k *keepalive) describe() string {
	switch {
	case k.dormant:
		return "keepalive dormant (no streams)"
	case k.outstanding:
		return "keepalive ping outstanding"
	}
	return "keepalive armed"
}

// onKeepaliveTimer is the connection actor's side of the keepalive
// deadline passing; an error ends the connection.
func (a *connActor) onKeepaliveTimer() error {
	k := a.ka
	verdict, wait := k.check(time.Now(), len(a.streams))
	if verdict == kaDead {
		// The select that woke us picks at random among ready cases: the
		// answer may be waiting in the reader's channel behind this timer.
		// Hear it out before declaring the peer dead.
		select {
		case batch := <-a.frames:
			if err := a.onBatch(batch); err != nil {
				return err
			}
			verdict, wait = k.check(time.Now(), len(a.streams))
		default:
		}
	}
	switch verdict {
	case kaDead:
		err := k.deadErr()
		a.log(slog.LevelWarn, "connactor: keepalive found the peer dead; closing", "error", err.Error())
		return err
	case kaDormant:
		return nil
	case kaPing:
		a.write(pingOp(keepalivePing))
		a.tally.keepAlivesSent++
	}
	a.wake.after(wakeKeepalive, wait)
	return nil
}

// keepaliveWake re-arms a dormant keepalive when a stream opens. The
// timer fires at once and check decides: a ping now if the connection
// has been silent for an interval, otherwise a wait for the rest of it.
func (a *connActor) keepaliveWake() {
	if a.ka == nil || !a.ka.dormant {
		return
	}
	a.ka.dormant = false
	a.wake.after(wakeKeepalive, 0)
}
