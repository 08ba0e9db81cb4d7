package connactor

import (
	"time"

	"golang.org/x/net/http2"
)

// Ping policing (server role), grpc-go's keepalive.EnforcementPolicy: a
// PING that comes sooner than the policy allows is a strike; the third
// strike in a row is answered with GOAWAY ENHANCE_YOUR_CALM
// "too_many_pings" (gRFC A8), after which a grpc-go or actorpc client
// doubles its keepalive time. Sending DATA or HEADERS forgives the strikes,
// as in grpc-go: a client may ping on receiving data (BDP estimation), so
// pings that answer our own traffic are not abuse.

// maxPingStrikes is how many too early PINGs are tolerated (grpc-go's).
const maxPingStrikes = 2

// idlePingInterval is how far apart PINGs must be on a connection with no
// stream when the policy does not permit them there (grpc-go's
// defaultPingTimeout).
const idlePingInterval = 2 * time.Hour

// errTooManyPings ends a connection whose client broke the ping policy.
var errTooManyPings = protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: "too_many_pings"}

// pingPolice is the policy's state, owned by the connection actor.
type pingPolice struct {
	policy     PingPolicy
	lastPingAt time.Time
	strikes    int
	// sent holds a token when the writer has sent DATA or HEADERS since
	// the last PING it acknowledged (writer.noteSent); it never blocks.
	sent chan struct{} // from: writer to connection; never (a token in a one-slot channel)
}

func newPingPolice(p PingPolicy) *pingPolice {
	return &pingPolice{policy: p, sent: make(chan struct{}, 1)}
}

// onPing judges a PING arriving at now with streams open; it reports
// whether the client has now pinged too often.
func (p *pingPolice) onPing(now time.Time, streams int) (tooMany bool) {
	defer func() { p.lastPingAt = now }()
	select {
	case <-p.sent:
		p.strikes = 0
		return false
	default:
	}
	least := p.policy.MinTime
	if streams == 0 && !p.policy.PermitWithoutStream {
		least = idlePingInterval
	}
	if now.Sub(p.lastPingAt) < least {
		p.strikes++
	}
	return p.strikes > maxPingStrikes
}

// onPing is the connection actor's side: nil, or the error that ends the
// connection with GOAWAY ENHANCE_YOUR_CALM. The PING was acknowledged
// before, as grpc-go does.
func (a *connActor) policePing() error {
	if a.pings == nil || !a.pings.onPing(time.Now(), len(a.streams)) {
		return nil
	}
	return errTooManyPings
}

// noteSent tells the ping police, once per acknowledged PING, that the
// writer sent DATA or HEADERS.
func (w *writer) noteSent() {
	if w.sentNote == nil || w.sentNoted {
		return
	}
	w.sentNoted = true
	select {
	case w.sentNote <- struct{}{}:
	default:
	}
}
