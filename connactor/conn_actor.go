package connactor

import (
	"context"
	"errors"
	"fmt"
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
	c    *Conn // the handle: read, never written
	role Role
	cfg  Config
	nc   net.Conn

	// Channels, set at start.
	frames  <-chan []inFrame            // from: reader to connection; blocks (back-pressure on the socket)
	quit    chan struct{}               // from: connection to reader, writer; never (closed at shutdown: the reader and the writer stop)
	rdone   <-chan struct{}             // from: reader to connection; never (closed when it ends)
	werr    <-chan error                // from: writer to connection; never: room for one, sent once (its end)
	wfaults <-chan streamFault          // from: writer to connection; never: buffered; when full the writer reports a connection fault instead
	wfault  <-chan protocolError        // from: writer to connection; never: room for one, sent at most once (the writer halts)
	wcloses <-chan sendClose            // from: writer to connection; never: buffered, drained each loop; a report that finds it full is dropped
	ctrl    chan<- writerOp             // from: connection to writer; never (sent only when there is room; the rest waits in the backlog, control_backlog.go)
	wopsIn  <-chan writerOp             // from: stream to writer; blocks (the writer's streams' mailbox, drained here once the writer ended)
	ctrlIn  <-chan writerOp             // from: connection to writer; never (ctrl, drained here once the writer ended)
	queued  <-chan int64                // from: writer to connection; never (one slot, the writer replaces an unread value)
	wstats  <-chan WriterStats          // from: writer to connection; never (one slot, the writer replaces an unread value; taken when Inspect asks)
	probe   <-chan chan<- actors.Report // from: caller to connection; blocks until the actor answers or ends (Inspect, bounded by its ctx)
	kaTimer <-chan time.Time            // from: timer; never (nil, never ready, with keepalive off)

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

	shutdownTimer *time.Timer // server, draining: waiting for the ACK of the PING after the first GOAWAY (graceful.go)
	peerGoAway    *GoAway     // the peer's latest GOAWAY; nil: none came

	ka    *keepalive  // nil: keepalive is off
	pings *pingPolice // nil: PINGs are not policed (client role, or no policy)
	age   *connAge    // nil: no idle or age limit (client role, or none set)

	tally  connTally   // streams, calls, messages and keepalives counted for Inspect (socket_stats.go)
	budget connBudget  // memory held for the peer (budget.go)
	stall  stallWatch  // streams whose peer grants no window (stall.go)
	floods floodPolice // SETTINGS and empty DATA floods (flood_policy.go)

	// Inspect (children.go): the children the actor names besides its
	// streams' actors.
	reader *actors.Ref
	writer *actors.Ref
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

func (a *connActor) run(ctx context.Context) (err error) {
	defer func() { a.shutdown(err) }()
	for {
		select {
		case batch := <-a.framesIn():
			if err := a.onBatch(batch); err != nil {
				return err
			}
		case a.backlogOut() <- a.backlogHead():
			a.backlogSent()
		case m := <-a.inboxIn():
			a.onMessage(m)
		case c := <-a.creditIn():
			a.onCredit(c)
		case f := <-a.wfaults:
			a.onStreamFault(f)
		case pe := <-a.wfault:
			return pe
		case err := <-a.werr:
			if err == nil {
				return nil
			}
			a.afterWriteFailure(err)
			return err
		case <-a.shutdownTimeout():
			a.onShutdownPingAck()
		case <-a.kaTimer:
			if err := a.onKeepaliveTimer(); err != nil {
				return err
			}
		case <-a.ageTimer():
			if err := a.onAgeTimer(); err != nil {
				return err
			}
		case n := <-a.queued:
			a.queuedReport(n)
		case <-a.stall.tick:
			a.onStallTick()
		case r := <-a.stall.reports:
			if err := a.onStallReport(r); err != nil {
				return err
			}
		case reply := <-a.probe:
			a.takeSendCloses()
			actors.ProbeStats(reply, a.describe(), a.socketStats(), a.children()...)
		case <-ctx.Done():
			select {
			case err := <-a.c.closeCh:
				return err
			default:
				return nil
			}
		}
		if err := a.backlogOverflow(); err != nil {
			return err
		}
		if a.drained() {
			return nil
		}
	}
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
		a.write(goAwayOp(1<<31-1, http2.ErrCodeNo, "graceful shutdown"))
		a.write(pingOp(shutdownPing))
		a.shutdownTimer = time.NewTimer(shutdownPingTimeout)
	case sendFinalGoAway:
		if a.shutdownTimer != nil {
			a.shutdownTimer.Stop()
		}
		a.write(goAwayOp(a.lastPeerID, code, why))
	}
	return act
}

// shutdown ends the reader and the writer and tells every stream.
func (a *connActor) shutdown(reason error) {
	if a.ka != nil {
		a.ka.timer.Stop()
	}
	if a.age != nil {
		a.age.timer.Stop()
	}
	a.stall.stop()
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
	for _, e := range a.streams {
		// A server's stream may be finishing on its own goroutine right
		// now: its status is not ours to read until its release.
		a.tally.streamEnded(stateClosedByUs, a.role == RoleClient && e.s.statusOK)
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

// resetStream is a stream error (RFC 9113 5.4.2): RST_STREAM to the peer,
// EventReset to our stream; the entry stays until the stream releases it.
func (a *connActor) resetStream(id uint32, code http2.ErrCode, why string) {
	e, ok := a.streams[id]
	if !ok {
		a.write(rstOp(id, code))
		return
	}
	e.state, _ = transition(e.state, evSendRST)
	a.writeThenAbort(rstOp(id, code), e, Event{Kind: EventReset, Code: code, Err: fmt.Errorf("stream reset locally: %s", why), Local: true})
}

func errCode(code uint32) http2.ErrCode { return http2.ErrCode(code) }
