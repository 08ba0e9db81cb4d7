package connactor

import (
	"fmt"

	"golang.org/x/net/http2"
)

// The connection's memory budget (server role; the client's own calls
// bound what it holds). Flow-control windows bound what a peer has in
// flight, not what it makes us hold: a stream's window is given back as
// its bytes are reassembled into a message, so a message larger than the
// window still arrives, and the handler then holds the request while it
// answers. A peer that opens many calls with large requests and reads no
// response (SETTINGS_INITIAL_WINDOW_SIZE 0) makes the server hold every
// request plus the responses queued behind the zero window.
//
// The budget counts, per connection:
//
//   - held: DATA bytes delivered to streams and not yet released by them.
//     A stream whose call takes one request (unary, server streaming)
//     releases its request when it ends: its handler holds the request
//     that long. A stream that takes a stream of requests releases each
//     message as the application takes it (Stream.Unhold). Partial
//     messages in reassembly count too. (Buffers allocated ahead of
//     their bytes, reserved for a message a stream is about to receive,
//     have a share of the budget of their own: reserve.go.)
//   - queued: response bytes the writer holds behind the peer's windows,
//     as the writer last reported them (writer_budget.go).
//
// While held + queued is over Config.MemoryBudget the connection grants
// the peer no connection window (so the peer can send at most what it was
// already granted) and refuses new streams with REFUSED_STREAM (which a
// client retries elsewhere, as nothing was processed). Each sender already
// waits for its own queued bytes to drain (streamactor's send pipe), so a
// handler whose peer does not read stops in Send, not on the heap.
//
// No deadlock: the budget makes nobody wait for it directly; it only
// withholds window and refuses streams. Held bytes of streams the peer has
// finished sending on ("settled": END_STREAM arrived), and queued bytes,
// go down without any window of ours: handlers end, the peer reads, or the
// stall timeout resets the stream (stall.go). The one state that cannot
// resolve on its own is a budget spent entirely on streams that wait for
// more DATA, with the peer's window used up: every holder waits for bytes
// the withheld window keeps out. Then the newest such stream is shed
// (REFUSED_STREAM when its application has taken nothing of it, so that
// the client may retry it; CANCEL otherwise), which frees its bytes and
// lets the older ones complete.
type connBudget struct {
	limit  int64            // Config.MemoryBudget; 0: off
	held   int64            // DATA bytes delivered to streams, not yet released
	queued int64            // the writer's queued response bytes, as last reported
	byID   map[uint32]int64 // held, per stream
	took   map[uint32]bool  // streams that released part of what they held: the application took a message
	// reserved: bytes of a message a stream reserved and the peer has not
	// sent yet (reserve.go), per stream and in all; not in held.
	reserved      map[uint32]int64
	reservedTotal int64
	// withheld: connection window was held back while over budget.
	withheld bool
	shed     int // streams shed so far, for describe
}

func newConnBudget(limit int64) connBudget {
	return connBudget{limit: limit, byID: make(map[uint32]int64), took: make(map[uint32]bool), reserved: make(map[uint32]int64)}
}

// over reports the budget spent.
func (b *connBudget) over() bool { return b.limit > 0 && b.held+b.queued > b.limit }

// hold counts n bytes delivered to stream id.
func (a *connActor) hold(id uint32, n int) {
	if a.budget.limit <= 0 || n == 0 {
		return
	}
	a.budget.fill(id, int64(n))
	a.budget.held += int64(n)
	a.budget.byID[id] += int64(n)
	a.budgetChanged()
}

// unhold releases n bytes stream id held (its application took them).
func (a *connActor) unhold(id uint32, n int64) {
	h, ok := a.budget.byID[id]
	if !ok {
		return
	}
	n = min(n, h)
	a.budget.byID[id] = h - n
	a.budget.held -= n
	a.budget.took[id] = true
	a.budgetChanged()
}

// unholdStream releases whatever an ended stream held.
func (a *connActor) unholdStream(id uint32) {
	a.budget.unreserve(id)
	h, ok := a.budget.byID[id]
	if !ok {
		return
	}
	delete(a.budget.byID, id)
	delete(a.budget.took, id)
	a.budget.held -= h
	a.budgetChanged()
}

// queuedReport takes the writer's count of queued bytes.
func (a *connActor) queuedReport(n int64) {
	a.budget.queued = n
	a.budgetChanged()
}

// budgetChanged grants what was withheld once the budget has room again,
// and sheds a stream when the budget is spent on nothing that can release
// it without more DATA.
func (a *connActor) budgetChanged() {
	if !a.budget.over() {
		if a.budget.withheld {
			a.budget.withheld = false
			a.grantConn(0)
		}
		return
	}
	if a.budget.queued > 0 || a.connRecvAvail >= minMaxFrameSize {
		return // the writer drains, or the peer may still send
	}
	var newest uint32
	for id, h := range a.budget.byID {
		e, ok := a.streams[id]
		if !ok || e.reset || h == 0 {
			continue
		}
		if e.state.recvDone() {
			return // a settled stream releases without our window
		}
		newest = max(newest, id)
	}
	if newest == 0 {
		return
	}
	code := http2.ErrCodeRefusedStream
	if a.budget.took[newest] {
		code = http2.ErrCodeCancel
	}
	a.budget.shed++
	why := fmt.Sprintf("the connection's memory budget of %d bytes is spent on streams waiting for DATA", a.budget.limit)
	a.resetStream(newest, code, why)
	// Its bytes are dropped with it: they leave the budget now, not when
	// its actor gets round to releasing it, so that one shedding is not
	// followed by another for the same bytes.
	a.unholdStream(newest)
}

// withholdConnGrant reports whether a connection WINDOW_UPDATE must wait
// for the budget to have room.
func (a *connActor) withholdConnGrant() bool {
	if a.budget.over() {
		a.budget.withheld = true
		return true
	}
	return false
}

// refuseOverBudget refuses a new stream while the budget is spent.
func (a *connActor) refuseOverBudget(id uint32) bool {
	if !a.budget.over() {
		return false
	}
	a.write(rstOp(id, http2.ErrCodeRefusedStream))
	a.closed.add(id, stateClosedByUs)
	return true
}

func (b *connBudget) describe() string {
	if b.limit <= 0 {
		return "memory budget off"
	}
	return fmt.Sprintf("memory budget %d: held %d, queued %d, reserved %d, shed %d", b.limit, b.held, b.queued, b.reservedTotal, b.shed)
}
