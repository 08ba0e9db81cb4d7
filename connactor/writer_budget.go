package connactor

import "time"

// The writer's part of the connection's memory budget (budget.go) and of
// the stall bound (stall.go): it alone knows how many response bytes wait
// behind the peer's windows, and for how long.
type writerBudget struct {
	// queued is the bytes of Data the writer holds: Writes it accepted
	// and could not yet write, the peer's windows being spent.
	queued int64
	// reported is the last queued value given to the connection actor
	// (a queuedReport, writer_report.go).
	reported int64
	// connWaitSince: when a stall check first found data waiting behind a
	// spent connection window with none of it moved since (zero: none
	// found yet, or data moved; see served).
	connWaitSince time.Time
}

// reportEvery is how far queued may drift from what the connection actor
// was told: the budget counts in megabytes, the writer moves kilobytes.
const reportEvery = 256 << 10

// queuedDelta changes the queued count by n and tells the connection
// actor when it has moved enough, or drained.
func (w *writer) queuedDelta(n int64) {
	b := &w.budget
	b.queued += n
	if d := b.queued - b.reported; d < reportEvery && d > -reportEvery && !(b.queued == 0 && b.reported != 0) {
		return
	}
	b.reported = b.queued
	w.reportQueued(b.queued)
}

// queueWrite queues wr on s, counting its unsent bytes.
func (w *writer) queueWrite(s *outStream, wr Write) {
	if len(s.queue) == 0 {
		s.waitSince = time.Now()
	}
	s.queue = append(s.queue, wr)
	w.queuedDelta(int64(len(wr.unsent())))
}

// stallReport is the writer's answer to a stall check (one at a time: the
// connection actor asks again only once it has it): the streams whose
// data has waited longer than the stream bound, and whether data has
// waited behind a spent connection window longer than the connection's.
type stallReport struct {
	streams []uint32
	conn    bool
	queued  int64
}

// checkStalls answers a stall check made at now with the given bounds
// (zero or less: that bound is off).
func (w *writer) checkStalls(now time.Time, stream, conn time.Duration) {
	var r stallReport
	if stream > 0 {
		for id, s := range w.streams {
			if len(s.queue) > 0 && now.Sub(s.waitSince) > stream {
				r.streams = append(r.streams, id)
			}
		}
	}
	b := &w.budget
	if b.queued > 0 && w.connWindow <= 0 {
		if b.connWaitSince.IsZero() {
			b.connWaitSince = now
		}
		r.conn = conn > 0 && now.Sub(b.connWaitSince) > conn
	} else {
		b.connWaitSince = time.Time{}
	}
	r.queued = b.queued
	select {
	case w.reports <- r: // its room is kept (writerReports)
	default: // not asked for: cannot happen, and never worth blocking on
	}
}

// served accounts for the queued bytes one turn of serve wrote (start
// minus left of its budget): they left the queue.
func (w *writer) served(s *outStream, start int, left *int) {
	moved := int64(start - *left)
	if moved <= 0 {
		return
	}
	if len(s.queue) > 0 {
		s.waitSince = time.Now()
	}
	// Queued data moved, so the connection's window was not stuck: a peer
	// that reads slowly spends each grant at once, and the next check must
	// not find the window spent since the first one it saw so (a stall is
	// no data moving for the bound, not a window that is never left over).
	w.budget.connWaitSince = time.Time{}
	// A stream dropped during the turn already took its unsent bytes off.
	w.queuedDelta(-moved)
}
