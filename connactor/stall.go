package connactor

import (
	"fmt"
	"time"

	"golang.org/x/net/http2"
)

// The stall bound. A peer that grants no window while our data waits
// holds that data, the handler stopped in Send, and the stream's share of
// the memory budget, for as long as it likes: the socket's write timeout
// does not fire, since the peer reads every frame we send (there are just
// none it allows). So the writer keeps, for each stream, when its queued
// data last moved, and the connection actor asks it every quarter of the
// bound. A stream whose data has not moved for Config.StallTimeout is
// reset (CANCEL: we no longer want it; its handler's context ends); a
// connection whose data has waited behind a spent connection window for
// Config.ConnStallTimeout ends with GOAWAY ENHANCE_YOUR_CALM.
type stallWatch struct {
	stream, conn time.Duration // the bounds; zero or less: off
	period       time.Duration // how often the writer is asked (the wakeStall deadline); zero: both off
	asked        bool          // a check is with the writer; its answer is due among its reports (writer_report.go)
	reset        int           // streams reset for stalling, for describe
}

func newStallWatch(cfg Config) stallWatch {
	sw := stallWatch{stream: cfg.StallTimeout, conn: cfg.ConnStallTimeout}
	period := time.Duration(0)
	for _, d := range []time.Duration{sw.stream, sw.conn} {
		if d > 0 && (period == 0 || d < period) {
			period = d
		}
	}
	if period > 0 {
		sw.period = max(period/4, time.Millisecond)
	}
	return sw
}

// onStallTick asks the writer which streams stalled, unless it is still
// answering the last question, and sets the next check.
func (a *connActor) onStallTick() {
	a.wake.after(wakeStall, a.stall.period)
	if a.stall.asked {
		return
	}
	a.stall.asked = true
	a.write(stallCheckOp(a.stall.stream, a.stall.conn))
}

// onStallReport resets the stalled streams, or ends a stalled connection.
func (a *connActor) onStallReport(r stallReport) error {
	a.stall.asked = false
	a.queuedReport(r.queued)
	if r.conn {
		return protocolError{code: http2.ErrCodeEnhanceYourCalm, msg: fmt.Sprintf(
			"the peer granted no connection window for %v while %d bytes waited", a.stall.conn, r.queued)}
	}
	for _, id := range r.streams {
		e, ok := a.streams[id]
		switch {
		case ok && !e.reset:
			a.stall.reset++
			a.resetStream(id, http2.ErrCodeCancel, fmt.Sprintf("the peer granted no window for %v while data waited", a.stall.stream))
		case !ok:
			// The handler finished and released the stream; its last
			// frames are what waits. The writer drops them with the reset.
			a.stall.reset++
			a.write(rstOp(id, http2.ErrCodeCancel))
		}
	}
	return nil
}
