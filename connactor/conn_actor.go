package connactor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/actors"
)

// connActor is the state the connection actor owns: the stream table,
// the receive windows, the peer's settings that shape our use of the
// connection, the connection's phase and GOAWAY in both directions. It is
// touched only by run's goroutine, as x/net/http2's serverConn is by its
// serve loop. The handle (Conn) is separate and never written here.
type connActor struct {
	// Immutable after start.
	c          *Conn // the handle: read, never written
	role       Role
	accept     func(*Stream) *actors.Ref // Config.Accept (server role)
	maxStreams uint32                    // Config.MaxConcurrentStreams: what the peer may open at once
	name       string                    // Config.Name, for the log
	logger     *slog.Logger              // Config.Logger, or one that discards (log.go)
	nc         net.Conn

	// Channels, set at start.
	frames   <-chan []inFrame            // from: reader to connection; blocks (back-pressure on the socket)
	quit     chan struct{}               // from: connection to reader, writer; never (closed at shutdown: the reader and the writer stop)
	rdone    <-chan struct{}             // from: reader to connection; never (closed when it ends)
	wreports <-chan writerReport         // from: writer to connection; never: room for every report that may wait (its faults, queued bytes, stall answers, its end: writer_report.go)
	wcloses  <-chan sendClose            // from: writer to connection; never: buffered, drained each loop; a report that finds it full is dropped
	ctrl     chan<- writerOp             // from: connection to writer; never (sent only when there is room; the rest waits in the backlog, control_backlog.go)
	wopsIn   <-chan writerOp             // from: stream to writer; blocks (the writer's streams' mailbox, drained here once the writer ended)
	ctrlIn   <-chan writerOp             // from: connection to writer; never (ctrl, drained here once the writer ended)
	wstats   <-chan WriterStats          // from: writer to connection; never (one slot, the writer replaces an unread value; taken when Inspect asks)
	probe    <-chan chan<- actors.Report // from: caller to connection; blocks until the actor answers or ends (Inspect, bounded by its ctx)

	// Owned by the loop.
	phase     connPhase
	backlog   []backlogged // ops waiting for room in the writer's mailboxes: backlog[backlogAt:] (control_backlog.go)
	backlogAt int
	streams   map[uint32]*streamEntry
	closed    closedStreams // how the last streams closed (closed_streams.go)

	// client role
	nextID         uint32
	peerMaxStreams uint32
	waiting        []*openRequest // opens beyond the peer's MAX_CONCURRENT_STREAMS

	// server role: the highest stream the peer opened, which our final
	// GOAWAY names.
	lastPeerID uint32

	connRecvAvail int64         // what the peer may still send on the connection
	connUnacked   int64         // consumed, not yet granted back
	streamWindow  uint32        // each stream's receive window: Config.StreamWindow, or what the BDP estimate grew it to
	connWindow    uint32        // the connection's receive window, likewise
	bdp           *bdpEstimator // nil: the windows are static (bdp.go)

	peerGoAway *GoAway // the peer's latest GOAWAY; nil: none came

	wake wakeups  // the timer and its deadlines: keepalive, age, shutdown, stall (wakeups.go)
	woke wokeWith // what the loop's wait received, for handle (run)

	ka    *keepalive  // nil: keepalive is off
	pings *pingPolice // nil: PINGs are not policed (client role, or no policy)
	age   *connAge    // nil: no idle or age limit (client role, or none set)

	tally  connTally   // streams, calls, messages and keepalives counted for Inspect (socket_stats.go)
	budget connBudget  // memory held for the peer (budget.go)
	stall  stallWatch  // streams whose peer grants no window (stall.go)
	floods floodPolice // SETTINGS and empty DATA floods (flood_policy.go)

	// Inspect (children.go): the children the actor names besides its
	// streams' actors, and its tally: frames and stream messages in, ops
	// to the writer and events to streams out.
	reader *actors.Ref
	writer *actors.Ref
	counts actors.Counts
	// w is the writer itself, read only after it ended (finalStats);
	// wlast is its latest figures, as it published them.
	w     *writer
	wlast WriterStats
}

// streamEntry is the connection's view of one stream.
type streamEntry struct {
	s          *Stream
	recvAvail  int64 // what the peer may still send on the stream
	unacked    int64 // consumed, not yet granted back
	buffered   int64 // delivered to the stream, not yet consumed
	state      streamState
	peerHeader bool // the peer's first HEADERS arrived: the next are trailers
	reset      bool // reset by either side, or the connection ended: the stream was told
	// The gRPC messages in the peer's DATA (socket_stats.go): how many
	// bytes of the 5-byte prefix of the next one were seen (0: none, or
	// inside a message), and the bytes left of the current message (inside
	// a prefix: its length so far). Kept in what was padding.
	msgHdr  uint8
	msgLeft uint32

	// actor is the stream's own actor (Accept's, or a client stream's,
	// see OpenRequest.Start): listed in Inspect; Stop cancels it.
	actor *actors.Ref

	// server role: the request's content-length (-1: none), and the DATA
	// bytes received, which must come to it (RFC 9113 8.1.1).
	contentLength, dataSeen int64
}

// abortOnce tells the stream it is over (a reset, the connection's end)
// and cancels its context; later calls do nothing.
func (e *streamEntry) abortOnce(ev Event) {
	if e.reset {
		return
	}
	e.reset = true
	if e.state < stateClosed {
		e.state = stateClosedByUs // abandoned: what the peer still sends is ignored
	}
	// Cancel before telling: a handler woken by the event then already
	// sees its context ended.
	if e.actor != nil {
		e.actor.Stop()
	}
	e.deliver(ev)
}

// run is the actor's loop, split so that while the connection idles its
// goroutine's stack holds run's frame and wait's, nothing else: the
// runtime halves a parked goroutine's stack at GC only while it uses
// under a quarter of it (README "Buffers"). wait holds only the select,
// and keeps what it received on the actor (a.woke); handle, which runs
// everything else, has returned before the next wait.
func (a *connActor) run(ctx context.Context) (err error) {
	defer func() { a.shutdown(err) }()
	done := ctx.Done()
	for {
		var by wokeBy
		if a.backlogLen() == 0 {
			by = a.wait(done)
		} else {
			by = a.waitBacklogged(done)
		}
		if stop, err := a.handle(by); stop {
			return err
		}
	}
}

// wokeBy is what woke the actor's wait.
type wokeBy uint8

const (
	wokeFrames  wokeBy = iota // a batch of the peer's frames: woke.batch
	wokeBacklog               // the backlog's head went to the writer
	wokeInbox                 // a stream's or a caller's message: woke.msg
	wokeCredit                // a stream's credit: woke.credit
	wokeReport                // a report of the writer's: woke.report
	wokeTimer                 // a deadline passed (wakeups.go)
	wokeProbe                 // Inspect: woke.reply
	wokeDone                  // the actor's context ended
)

// wokeWith is what the wait received, kept on the actor rather than in
// the wait's frame; handle takes it out.
type wokeWith struct {
	batch  []inFrame
	msg    connMsg
	credit creditMsg
	report writerReport
	reply  chan<- actors.Report // from: connection to caller; never (an Inspect's reply, kept until handle answers it: actors.Probe)
}

// wait waits for the next thing to do while nothing is backlogged for the
// writer: the select the connection parks in when idle, kept to the
// cases it needs then.
//
//go:noinline
func (a *connActor) wait(done <-chan struct{}) wokeBy {
	w := &a.woke
	select {
	case w.batch = <-a.frames:
		return wokeFrames
	case w.msg = <-a.c.inbox:
		return wokeInbox
	case w.credit = <-a.c.credit:
		return wokeCredit
	case w.report = <-a.wreports:
		return wokeReport
	case <-a.wake.c:
		return wokeTimer
	case w.reply = <-a.probe:
		return wokeProbe
	case <-done:
		return wokeDone
	}
}

// waitBacklogged is wait while ops wait for room in the writer's
// mailboxes: it offers the backlog's head too, and past readPauseAt
// backlogged ops it stops taking the peer's frames and its streams'
// messages (control_backlog.go).
//
//go:noinline
func (a *connActor) waitBacklogged(done <-chan struct{}) wokeBy {
	w := &a.woke
	select {
	case w.batch = <-a.framesIn():
		return wokeFrames
	case a.backlogOut() <- a.backlogHead():
		return wokeBacklog
	case w.msg = <-a.inboxIn():
		return wokeInbox
	case w.credit = <-a.creditIn():
		return wokeCredit
	case w.report = <-a.wreports:
		return wokeReport
	case <-a.wake.c:
		return wokeTimer
	case w.reply = <-a.probe:
		return wokeProbe
	case <-done:
		return wokeDone
	}
}

// handle does what woke the actor; stop: the connection ends, with err.
//
//go:noinline
func (a *connActor) handle(by wokeBy) (stop bool, err error) {
	w := &a.woke
	switch by {
	case wokeFrames:
		batch := w.batch
		w.batch = nil
		a.counts.In += uint64(len(batch))
		if err := a.onBatch(batch); err != nil {
			return true, err
		}
	case wokeBacklog:
		a.backlogSent()
	case wokeInbox:
		m := w.msg
		w.msg = nil
		a.counts.In++
		a.onMessage(m)
	case wokeCredit:
		a.counts.In++
		a.onCredit(w.credit)
	case wokeReport:
		r := w.report
		w.report = nil
		if done, err := a.onWriterReport(r); done || err != nil {
			return true, err
		}
	case wokeTimer:
		if err := a.onWake(); err != nil {
			return true, err
		}
	case wokeProbe:
		reply := w.reply
		w.reply = nil
		a.takeSendCloses()
		actors.Answer(reply, actors.Report{State: a.describe(), Stats: a.socketStats(), Counts: a.counts, Children: a.children()})
	case wokeDone:
		select {
		case err := <-a.c.closeCh:
			return true, err
		default:
			return true, nil
		}
	}
	if err := a.backlogOverflow(); err != nil {
		return true, err
	}
	return a.drained(), nil
}

// onBatch handles frames that arrived together, in order.
func (a *connActor) onBatch(batch []inFrame) error {
	a.takeSendCloses() // so that each stream's state is the newest the writer told
	if a.ka != nil {
		a.ka.lastRead = time.Now()
	}
	for _, f := range batch {
		if err := a.onFrame(f); err != nil {
			return err
		}
	}
	recycleBatch(batch)
	a.tally.batchDone()
	return nil
}

// drained reports a draining connection whose last stream has ended.
func (a *connActor) drained() bool {
	return a.phase.endsWithLastStream() && len(a.streams) == 0 && len(a.waiting) == 0
}

// goAway sends our final GOAWAY (RFC 9113 6.8), unless it went out: we
// take no new streams, and the connection ends when the ones in flight
// have.
func (a *connActor) goAway(code http2.ErrCode, why string) {
	a.enter(phGoAway, code, why)
	a.failWaiting(ErrGoingAway)
}

// enter moves the connection's phase by ev (phase.go) and does what the
// move asks: GoingAway closes when the connection leaves serving, and the
// GOAWAY that is due goes out, the final one with code and why.
func (a *connActor) enter(ev phaseEvent, code http2.ErrCode, why string) phaseAction {
	prev := a.phase
	next, act := nextPhase(prev, ev)
	a.phase = next
	if !prev.goingAway() && next.goingAway() {
		close(a.c.goingAway)
	}
	switch act {
	case sendFirstGoAway:
		a.log(slog.LevelInfo, "connactor: sent GOAWAY", "code", http2.ErrCodeNo.String(), "last_stream", 1<<31-1, "debug", "graceful shutdown")
		a.write(goAwayOp(1<<31-1, http2.ErrCodeNo, "graceful shutdown"))
		a.write(pingOp(shutdownPing))
		a.wake.after(wakeShutdown, shutdownPingTimeout)
	case sendFinalGoAway:
		a.wake.clear(wakeShutdown)
		a.log(slog.LevelInfo, "connactor: sent GOAWAY", "code", code.String(), "last_stream", a.lastPeerID, "debug", why)
		a.write(goAwayOp(a.lastPeerID, code, why))
	}
	return act
}

// shutdown ends the reader and the writer and tells every stream.
func (a *connActor) shutdown(reason error) {
	a.wake.stop()
	// A connection error: tell the peer why before hanging up (phFail
	// owes the GOAWAY unless ours went out already).
	ev, code, why := phEnd, http2.ErrCodeNo, ""
	var pe protocolError
	if errors.As(reason, &pe) {
		ev, code, why = phFail, pe.code, pe.msg
	}
	wentAway := a.phase == phaseGoneAway
	a.nc.SetWriteDeadline(time.Now().Add(time.Second))
	a.enter(ev, code, why)
	// Let the writer flush what it has (GOAWAY, final frames), bounded.
	a.nc.SetWriteDeadline(time.Now().Add(time.Second))
	a.flushBacklog(closeOp())
	select {
	case <-a.c.wdone:
	case <-time.After(2 * time.Second):
	}
	if reason == nil && wentAway && a.role == RoleServer {
		a.linger()
	}
	close(a.quit)
	a.nc.Close()
	<-a.c.wdone
	<-a.rdone
	a.failQueuedWrites()
	a.takeSendCloses()
	for _, e := range a.streams {
		a.tally.streamEnded(e.endedAs(), e.statusKnownOK(a.role))
	}
	a.finalStats(a.w)
	if reason == nil {
		reason = ErrConnClosed
	}
	reason = a.withPeerGoAway(reason)
	for _, e := range a.streams {
		e.abortOnce(Event{Kind: EventClosed, Err: reason})
	}
	a.failWaiting(reason)
	a.enter(phClosed, 0, "")
}

// failQueuedWrites fails the Writes that reached the writer's mailbox as
// it ended, so that nobody waits on their Done.
func (a *connActor) failQueuedWrites() {
	fail := func(op writerOp) {
		if op.kind == opWrite || op.kind == opOpen {
			op.write.finish(ErrConnClosed)
		}
	}
	for _, b := range a.backlog[a.backlogAt:] {
		if b.opened == nil { // an open that never reached the writer was never opened: its opener hears so from Done
			fail(b.op)
		}
	}
	a.backlog, a.backlogAt = nil, 0
	for {
		select {
		case op := <-a.wopsIn:
			fail(op)
		case op := <-a.ctrlIn:
			fail(op)
		default:
			return
		}
	}
}

func (a *connActor) describe() string {
	ka := "keepalive off"
	if a.ka != nil {
		ka = a.ka.describe()
	}
	bdp := "static windows"
	if a.bdp != nil {
		bdp = a.bdp.describe()
	}
	return fmt.Sprintf("%s conn to %v, %v: %d streams, %d waiting to open, recv window %d (stream %d, conn %d, %s), %d ops backlogged for the writer, peer goaway=%v, %s, %s, %d stalled streams reset",
		a.role, a.c.remote, a.phase, len(a.streams), len(a.waiting), a.connRecvAvail, a.streamWindow, a.connWindow, bdp, a.backlogLen(), a.peerGoAway != nil, ka, a.budget.describe(), a.stall.reset)
}

// deliver hands ev to the stream without ever waiting.
func (e *streamEntry) deliver(ev Event) { e.s.events.Offer(ev) }

// deliver is e.deliver, counted in the actor's tally.
func (a *connActor) deliver(e *streamEntry, ev Event) { a.counts.Out++; e.deliver(ev) }

// resetStream is a stream error (RFC 9113 5.4.2): RST_STREAM to the peer,
// EventReset to our stream; the entry stays until the stream releases it.
func (a *connActor) resetStream(id uint32, code http2.ErrCode, why string) {
	if isViolation(code) {
		a.log(slog.LevelInfo, "connactor: reset a stream for a protocol violation", "stream", id, "code", code.String(), "debug", why)
	}
	e, ok := a.streams[id]
	if !ok {
		a.write(rstOp(id, code))
		return
	}
	e.state, _ = transition(e.state, evSendRST)
	a.writeThenAbort(rstOp(id, code), e, Event{Kind: EventReset, Code: code, Err: fmt.Errorf("stream reset locally: %s", why), Local: true})
}

func errCode(code uint32) http2.ErrCode { return http2.ErrCode(code) }
