package connactor

import (
	"fmt"
	"time"

	"golang.org/x/net/http2"
)

// Dynamic receive windows (BDP estimation), as grpc-go does it and with
// its constants. A window smaller than the bandwidth-delay product of the
// path caps a stream's throughput at window/RTT, whatever the link can
// carry; a window far larger only lets a peer park more bytes on us. So
// the connection measures the product and grows its windows to it:
//
//   - When DATA arrives and no BDP PING is outstanding, one goes out.
//   - Every DATA byte that arrives until its ACK is the sample: what the
//     path delivered in one round trip (a little more, as the PING waits
//     behind what the peer had queued).
//   - On the ACK, the bandwidth is sample / (1.5 RTT). If the sample fills
//     at least 2/3 of the current estimate and the bandwidth is the highest
//     seen, the path could carry more than the window lets it: the
//     estimate becomes twice the sample, capped at bdpLimit.
//   - The estimate becomes the stream window (SETTINGS_INITIAL_WINDOW_SIZE,
//     which moves every open stream's window by the difference, RFC 9113
//     6.9.2) and the connection window (a WINDOW_UPDATE), where it is
//     larger than they are. Windows never shrink.
//
// Once the estimate reaches the cap no more PINGs are sent. Unlike
// grpc-go (which pings every round trip for as long as data flows), and as
// grpc's C core does, a round that did not grow the estimate is followed
// by a quiet time before the next PING, 10 ms doubling to 1 s, cleared by
// the next growth: on a path whose product is found, the PINGs (a frame to
// read and allocate on each side, and a flush) fade to one a second
// instead of one per round trip. The windows
// start at the configured ones (Config.StreamWindow, ConnWindow), so a
// short-lived connection loses nothing to the warm-up. Config.StaticWindows
// turns it off.
//
// Our own BDP PINGs do not break a peer's ping policy: each follows DATA
// the peer sent after it acknowledged the previous one, and both grpc-go's
// server and ours (ping_policy.go) forgive a PING that follows data they
// sent.

// bdpLimit caps the estimate (grpc-go's): TCP's own buffers rarely
// exceed it.
const bdpLimit = 16 << 20

// bdpPing is the opaque data of our BDP PINGs; no other PING of ours
// carries it.
var bdpPing = [8]byte{'b', 'd', 'p', 'w', 'i', 'n', 'd', 'o'}

// rttBootstrap is how many first round trips are averaged evenly; after
// them the average heeds the newest by rttWeight (grpc-go's alpha).
const (
	rttBootstrap = 10
	rttWeight    = 0.9
)

// The quiet time after a round that did not grow the estimate: the first,
// doubled by each such round in a row, up to the last.
const (
	bdpQuietFirst = 10 * time.Millisecond
	bdpQuietMost  = time.Second
)

// bdpEstimator is the estimator's state, owned by the connection actor.
// It is pure: time comes in as arguments, so a table can test it.
type bdpEstimator struct {
	estimate uint32    // the window it stands for; starts at the stream window
	limit    uint32    // the cap: bdpLimit, or less (the memory budget)
	pinging  bool      // a BDP PING is out, its ACK not yet here
	sentAt   time.Time // when it went out
	sample   uint32    // DATA bytes since it went out
	rounds   int       // round trips measured, the one in flight included
	rtt      float64   // average round trip, seconds
	bwMax    float64   // the highest bandwidth seen, bytes per second
	grown    int       // times the estimate grew, for describe
	// quiet is the pause after the last round, which did not grow the
	// estimate (0: it grew); no PING goes out before quietUntil.
	quiet      time.Duration
	quietUntil time.Time
}

func newBDPEstimator(start, limit uint32) *bdpEstimator {
	return &bdpEstimator{estimate: start, limit: max(limit, start)}
}

// onData counts n DATA bytes arriving at now; it reports whether a BDP
// PING must go out (the caller sends it).
func (b *bdpEstimator) onData(n uint32, now time.Time) (ping bool) {
	if b.estimate >= b.limit {
		return false // nothing left to find out
	}
	if b.pinging {
		b.sample += n
		return false
	}
	if now.Before(b.quietUntil) {
		return false
	}
	b.pinging, b.sentAt, b.sample = true, now, n
	b.rounds++
	return true
}

// onAck takes the ACK of our BDP PING arriving at now; it reports the
// new estimate when it grew. An ACK we did not ask for is ignored.
func (b *bdpEstimator) onAck(now time.Time) (window uint32, grew bool) {
	if !b.pinging {
		return 0, false
	}
	b.pinging = false
	rtt := max(now.Sub(b.sentAt).Seconds(), 1e-9)
	if b.rounds <= rttBootstrap {
		b.rtt += (rtt - b.rtt) / float64(b.rounds)
	} else {
		b.rtt += (rtt - b.rtt) * rttWeight
	}
	// The sample is at most 1.5 round trips' worth on a busy path: the
	// DATA already on its way when the PING left, and one round trip more.
	bw := float64(b.sample) / (b.rtt * 1.5)
	if bw > b.bwMax {
		b.bwMax = bw
	}
	if 3*uint64(b.sample) < 2*uint64(b.estimate) || bw < b.bwMax || b.estimate >= b.limit {
		b.quiet = min(max(2*b.quiet, bdpQuietFirst), bdpQuietMost)
		b.quietUntil = now.Add(b.quiet)
		return 0, false
	}
	b.estimate = uint32(min(2*uint64(b.sample), uint64(b.limit)))
	b.quiet, b.quietUntil = 0, time.Time{}
	b.grown++
	return b.estimate, true
}

func (b *bdpEstimator) describe() string {
	return fmt.Sprintf("bdp window %d (limit %d, grown %d times, rtt %v)", b.estimate, b.limit, b.grown, time.Duration(b.rtt*float64(time.Second)))
}

// newConnBDP is the estimator a connection with cfg starts with; nil when
// its windows are static. A server's windows never pass its memory budget:
// over budget it withholds connection window, so what a peer can make it
// hold is the budget plus the connection window (budget.go).
func newConnBDP(cfg Config) *bdpEstimator {
	if cfg.StaticWindows {
		return nil
	}
	limit := uint32(bdpLimit)
	if cfg.Role == RoleServer && cfg.MemoryBudget > 0 {
		limit = uint32(min(int64(limit), cfg.MemoryBudget))
	}
	return newBDPEstimator(cfg.StreamWindow, limit)
}

// bdpOnData is the connection actor's side of DATA of n bytes arriving.
// Before the PING the connection's owed window goes out (as grpc-go
// does): a PING that follows a WINDOW_UPDATE does not look like abuse to
// a proxy that polices PINGs, and the peer is not held back by a grant
// that waits for its quarter while we measure it.
func (a *connActor) bdpOnData(n int64) {
	if a.bdp == nil || n == 0 || !a.bdp.onData(uint32(n), time.Now()) {
		return
	}
	if a.connUnacked > 0 && !a.withholdConnGrant() {
		a.flushConnGrant()
	}
	a.write(pingOp(bdpPing))
}

// bdpOnAck is the connection actor's side of the ACK of a BDP PING.
func (a *connActor) bdpOnAck() {
	if a.bdp == nil {
		return
	}
	if n, grew := a.bdp.onAck(time.Now()); grew {
		a.growWindows(n)
	}
}

// growWindows raises the stream and connection receive windows to n
// where they are smaller. The stream windows move by SETTINGS (every
// open stream's by the difference, RFC 9113 6.9.2: ours move now, the
// peer's when it reads the SETTINGS, so the peer never sends more than we
// allow); the connection's by a WINDOW_UPDATE, which waits while the
// memory budget is spent, as every connection grant does.
func (a *connActor) growWindows(n uint32) {
	if n > a.streamWindow {
		delta := int64(n - a.streamWindow)
		a.streamWindow = n
		for _, e := range a.streams {
			e.recvAvail += delta
		}
		a.write(settingsOp([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: n}}))
	}
	if n > a.connWindow {
		a.connUnacked += int64(n - a.connWindow)
		a.connWindow = n
		if !a.withholdConnGrant() {
			a.flushConnGrant()
		}
	}
}
