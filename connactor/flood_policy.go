package connactor

import (
	"fmt"
	"time"

	"golang.org/x/net/http2"
)

// Flood policing: frames that cost the peer nothing, carry nothing, and
// that a well-behaved peer sends only a handful of times. We survive a
// flood of them in bounded memory anyway (the writer's mailbox blocks, so
// the ACKs we owe can only queue as far as the socket takes them), but a
// mature stack also says so: the connection ends with GOAWAY
// ENHANCE_YOUR_CALM and a reason a person can read, rather than spending
// CPU on the flood for as long as the peer likes. Both limits are far
// above anything a real gRPC peer does.
//
// The connection actor alone decides: the writer is not asked. (x/net's
// server counts the control-frame answers it holds unwritten instead; ours
// cannot pile up, since a peer that does not read stops the writer, the
// writer's full mailbox stops the connection actor, and that stops the
// reader. Until the socket refuses the ACKs, the kernel takes them as
// written, so a count of unwritten ACKs would never trip.)

// SETTINGS: a token bucket of settingsBurst frames, refilled one per
// settingsRefill. A peer sends SETTINGS at the start and then only when it
// changes a setting: grpc-go does when its BDP estimate grows the window,
// at most about ten times in a connection's life; Netty, nghttp2 and
// actorpc never do on their own. A peer that sends more than a hundred at
// once, or more than ten a second for long, floods: each one is applied to
// every stream and owes an ACK.
const (
	settingsBurst  = 100
	settingsRefill = 100 * time.Millisecond
)

// Empty DATA: maxEmptyData consecutive DATA frames on the connection that
// carry no data and do not end their stream. Such a frame does nothing at
// all (it costs no window, so flow control does not bound it); a gRPC
// peer sends an empty DATA frame only to carry END_STREAM. Netty ends the
// connection after 2 of them; we allow more, because a generic HTTP/2
// peer or proxy may legitimately flush an empty frame now and then, but
// never a hundred in a row with nothing in between.
const maxEmptyData = 100

// floodPolice is the policies' state, owned by the connection actor. The
// zero value is ready: the bucket starts full.
type floodPolice struct {
	settingsSpent int       // tokens taken from the bucket
	settingsAt    time.Time // when the bucket was last refilled (zero: never used)
	emptyData     int       // consecutive empty DATA frames without END_STREAM
}

// onSettings takes a token for a SETTINGS frame (not an ACK) arriving at
// now; it reports whether the bucket was empty: too many.
func (p *floodPolice) onSettings(now time.Time) (tooMany bool) {
	if p.settingsAt.IsZero() {
		p.settingsAt = now
	}
	if refill := int(now.Sub(p.settingsAt) / settingsRefill); refill > 0 {
		p.settingsSpent = max(0, p.settingsSpent-refill)
		// Keep the remainder: a frame every 99 ms must not starve the
		// refill by restarting its clock.
		p.settingsAt = p.settingsAt.Add(time.Duration(refill) * settingsRefill)
	}
	if p.settingsSpent >= settingsBurst {
		return true
	}
	p.settingsSpent++
	return false
}

// onData counts a DATA frame carrying data bytes (padding excluded), with
// END_STREAM or not; it reports whether the peer has now sent more than
// maxEmptyData empty ones in a row.
func (p *floodPolice) onData(data int, endStream bool) (tooMany bool) {
	if data > 0 || endStream {
		p.emptyData = 0
		return false
	}
	p.emptyData++
	return p.emptyData > maxEmptyData
}

// policeSettings is the connection actor's side: nil, or the error that
// ends the connection with GOAWAY ENHANCE_YOUR_CALM.
func (a *connActor) policeSettings() error {
	if !a.floods.onSettings(time.Now()) {
		return nil
	}
	return protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: fmt.Sprintf(
		"SETTINGS flood: more than %d SETTINGS frames at once, or more than one per %v for long", settingsBurst, settingsRefill)}
}

// policeData: nil, or the error that ends the connection for an empty DATA
// flood.
func (a *connActor) policeData(f inFrame) error {
	if !a.floods.onData(len(f.data), f.flags.Has(http2.FlagDataEndStream)) {
		return nil
	}
	return protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: fmt.Sprintf(
		"empty DATA flood: more than %d DATA frames in a row carrying no data and not ending their stream", maxEmptyData)}
}
