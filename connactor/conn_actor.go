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
// connection, and GOAWAY in both directions. It is touched only by run's
// goroutine, as x/net/http2's serverConn is by its serve loop.
type connActor struct {
	*Conn
	cfg     Config
	nc      net.Conn
	frames  <-chan []inFrame
	quit    chan struct{}
	rdone   <-chan struct{}
	werr    <-chan error
	wresets <-chan writerReset // streams the writer ended
	wopsIn  <-chan writerOp    // the writer's mailbox, drained once the writer ended
	kaTimer <-chan time.Time   // ka's timer; nil (never ready) with keepalive off

	// Inspect (children.go): its question, and the children the actor
	// names besides its streams' actors.
	probe  <-chan chan<- actors.Report // from: Inspect's asker; blocks (bounded by its ctx)
	reader *actors.Ref
	writer *actors.Ref

	streams map[uint32]*streamEntry
	closed  closedStreams // how the last streams closed (closed_streams.go)

	// client role
	nextID         uint32
	peerMaxStreams uint32
	waiting        []*openRequest // opens beyond the peer's MAX_CONCURRENT_STREAMS

	// server role
	lastPeerID uint32

	connRecvAvail int64 // what the peer may still send on the connection
	connUnacked   int64 // consumed, not yet granted back

	goAwaySent     bool
	goAwayReceived bool
	shutdownTimer  *time.Timer // server: waiting for the ACK of the PING after the first GOAWAY (graceful.go)
	peerLastID     uint32      // from the peer's GOAWAY

	goingAwayClosed bool // GoingAway() is closed

	ka    *keepalive  // nil: keepalive is off
	pings *pingPolice // nil: PINGs are not policed (client role, or no policy)
	age   *connAge    // nil: no idle or age limit (client role, or none set)

	budget connBudget   // memory held for the peer (budget.go)
	queued <-chan int64 // from: writer; never blocks (the writer replaces an unread value)
	stall  stallWatch   // streams whose peer grants no window (stall.go)
	floods floodPolice  // SETTINGS and empty DATA floods (flood_policy.go)
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
		case batch := <-a.frames:
			if err := a.onBatch(batch); err != nil {
				return err
			}
		case m := <-a.inbox:
			a.onMessage(m)
		case r := <-a.wresets:
			if e, ok := a.streams[r.id]; ok {
				e.abortOnce(Event{Kind: EventReset, Code: r.code, Err: r.err, Local: true})
			}
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
			actors.Probe(reply, a.describe(), a.children()...)
		case <-ctx.Done():
			select {
			case err := <-a.closeCh:
				return err
			default:
				return nil
			}
		}
		if a.drained() {
			return nil
		}
	}
}

// onBatch handles frames that arrived together, in order.
func (a *connActor) onBatch(batch []inFrame) error {
	if a.ka != nil {
		a.ka.lastRead = time.Now()
	}
	for _, f := range batch {
		if err := a.onFrame(f); err != nil {
			return err
		}
	}
	recycleBatch(batch)
	return nil
}

// drained reports a draining connection whose last stream has ended.
func (a *connActor) drained() bool {
	return (a.goAwaySent || a.goAwayReceived) && len(a.streams) == 0 && len(a.waiting) == 0
}

func (a *connActor) onMessage(m connMsg) {
	switch m.kind {
	case msgConsumed:
		a.consumed(m.id, int64(m.n))
	case msgRelease:
		a.release(m.id)
	case msgFinish:
		a.release(m.id)
		a.write(writerOp{kind: opWrite, write: *m.final})
	case msgFlush:
		if e, ok := a.streams[m.id]; ok {
			e.s.events.Flush()
		}
	case msgOpen:
		a.open(m.open)
	case msgCancelOpen:
		a.cancelOpen(m.open)
	case msgGraceful:
		a.beginGoAway()
	case msgUnhold:
		a.unhold(m.id, int64(m.n))
	}
}

// goAway tells the peer we take no new streams (RFC 9113 6.8); the
// connection ends when the ones in flight have.
func (a *connActor) goAway(code http2.ErrCode, why string) {
	if a.goAwaySent {
		return
	}
	a.goAwaySent = true
	a.markGoingAway()
	a.write(writerOp{kind: opGoAway, streamID: a.lastPeerID, code: code, rare: &rareOps{debug: []byte(why)}})
	a.failWaiting(ErrGoingAway)
}

// shutdown ends the reader and the writer and tells every stream.
func (a *connActor) shutdown(reason error) {
	a.markGoingAway()
	if a.ka != nil {
		a.ka.timer.Stop()
	}
	if a.age != nil {
		a.age.timer.Stop()
	}
	a.stall.stop()
	var pe protocolError
	if errors.As(reason, &pe) && !a.goAwaySent {
		// A connection error: tell the peer why before hanging up.
		a.goAwaySent = true
		a.nc.SetWriteDeadline(time.Now().Add(time.Second))
		a.write(writerOp{kind: opGoAway, streamID: a.lastPeerID, code: pe.code, rare: &rareOps{debug: []byte(pe.msg)}})
	}
	// Let the writer flush what it has (GOAWAY, final frames), bounded.
	a.nc.SetWriteDeadline(time.Now().Add(time.Second))
	select {
	case a.wops <- writerOp{kind: opClose}:
	case <-a.wdone:
	}
	select {
	case <-a.wdone:
	case <-time.After(2 * time.Second):
	}
	if reason == nil && a.goAwaySent && a.role == RoleServer {
		a.linger()
	}
	close(a.quit)
	a.nc.Close()
	<-a.wdone
	<-a.rdone
	a.failQueuedWrites()
	why := reason
	if why == nil {
		why = ErrConnClosed
	}
	why = a.withPeerGoAway(why)
	for _, e := range a.streams {
		e.abortOnce(Event{Kind: EventClosed, Err: why})
	}
	a.failWaiting(why)
}

// failQueuedWrites fails the Writes that reached the writer's mailbox as
// it ended, so that nobody waits on their Done.
func (a *connActor) failQueuedWrites() {
	for {
		select {
		case op := <-a.wopsIn:
			if op.kind == opWrite || op.kind == opOpen {
				op.write.finish(ErrConnClosed)
			}
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
	return fmt.Sprintf("%s conn to %v: %d streams, %d waiting to open, recv window %d, goaway sent=%v received=%v, %s, %s, %d stalled streams reset",
		a.role, a.remote, len(a.streams), len(a.waiting), a.connRecvAvail, a.goAwaySent, a.goAwayReceived, ka, a.budget.describe(), a.stall.reset)
}

// deliver hands ev to the stream without ever waiting.
func (e *streamEntry) deliver(ev Event) { e.s.events.Offer(ev) }

// resetStream is a stream error (RFC 9113 5.4.2): RST_STREAM to the peer,
// EventReset to our stream; the entry stays until the stream releases it.
func (a *connActor) resetStream(id uint32, code http2.ErrCode, why string) {
	a.write(writerOp{kind: opRST, streamID: id, code: code})
	if e, ok := a.streams[id]; ok {
		e.state, _ = transition(e.state, evSendRST)
		e.abortOnce(Event{Kind: EventReset, Code: code, Err: fmt.Errorf("stream reset locally: %s", why), Local: true})
	}
}

func errCode(code uint32) http2.ErrCode { return http2.ErrCode(code) }
