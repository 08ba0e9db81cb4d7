package chaos

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// direction is one way through the proxy.
type direction int

const (
	toServer direction = iota // client -> server
	toClient                  // server -> client
)

func (d direction) String() string { return [...]string{"client->server", "server->client"}[d] }

// faultKind is what the proxy does to a connection.
type faultKind int

const (
	faultNone  faultKind = iota
	faultDelay           // sleep before every frame in dir
	faultSplit           // write bytes [after, after+span) of dir one byte per write
	faultStall           // stop forwarding dir at byte `after` for `stall`, then go on
)

// endKind is how the proxy ends a connection.
type endKind int

const (
	endNever  endKind = iota
	endClose          // close both sides (FIN) at byte `after` of dir, mid-frame
	endReset          // the same with SetLinger(0): the peers see RST
	endGoAway         // the k-th request's stream is the last the server takes: later streams are dropped, and the client gets GOAWAY(last = that stream) once endHold of them came
	endStall          // stop forwarding dir at byte `after` for good; reset both sides `stall` later
)

// plan is the fault of one proxied connection. Byte offsets count from
// the connection's first request HEADERS (the proxy arms then), so that the
// HTTP/2 handshake always completes: a handshake failure puts the channel
// in TRANSIENT_FAILURE, where a call fails at once without being sent,
// which is pick_first's contract rather than retry's.
type plan struct {
	fault faultKind
	dir   direction
	after int           // faultSplit, faultStall: first byte affected
	span  int           // faultSplit: bytes split
	delay time.Duration // faultDelay: per frame
	stall time.Duration // faultStall: how long

	end      endKind
	endDir   direction
	endAfter int           // endClose, endReset, endStall: the byte of endDir
	endK     int           // endGoAway: the last request the server takes
	endHold  int           // endGoAway: requests refused before the client is told
	endStall time.Duration // endStall: how long until the reset
}

func (p plan) String() string {
	s := "no fault"
	switch p.fault {
	case faultDelay:
		s = fmt.Sprintf("delay %v/frame %v", p.delay, p.dir)
	case faultSplit:
		s = fmt.Sprintf("split %v bytes [%d,%d)", p.dir, p.after, p.after+p.span)
	case faultStall:
		s = fmt.Sprintf("stall %v at byte %d for %v", p.dir, p.after, p.stall)
	}
	switch p.end {
	case endClose:
		s += fmt.Sprintf(", close at byte %d %v", p.endAfter, p.endDir)
	case endReset:
		s += fmt.Sprintf(", reset at byte %d %v", p.endAfter, p.endDir)
	case endGoAway:
		s += fmt.Sprintf(", GOAWAY after request %d, sent after %d more", p.endK, p.endHold)
	case endStall:
		s += fmt.Sprintf(", stall %v at byte %d, reset %v later", p.endDir, p.endAfter, p.endStall)
	}
	return s
}

// randomPlan draws connection n's plan from seed: the same seed and n
// give the same plan. Every plan ends its connection, so the channel keeps
// moving on to fresh connections with fresh faults. stallFor is how long
// a "forever" stall lasts: longer than a call's deadline.
func randomPlan(seed int64, n int, stallFor time.Duration) plan {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(n)))
	dir := direction(r.IntN(2))
	p := plan{dir: dir}
	switch r.IntN(5) {
	case 0: // clean until the end
	case 1:
		p.fault, p.delay = faultDelay, time.Duration(1+r.IntN(3))*time.Millisecond
	case 2:
		p.fault, p.after, p.span = faultSplit, r.IntN(20_000), 500+r.IntN(3000)
	case 3, 4:
		p.fault, p.after, p.stall = faultStall, r.IntN(20_000), time.Duration(10+r.IntN(200))*time.Millisecond
	}
	p.endDir = direction(r.IntN(2))
	p.endAfter = 1 + r.IntN(60_000)
	switch r.IntN(8) {
	case 0, 1, 2:
		p.end = endClose
	case 3, 4, 5:
		p.end = endReset
	case 6:
		p.end, p.endK = endGoAway, 1+r.IntN(30)
	case 7:
		p.end, p.endStall = endStall, stallFor
	}
	return p
}
