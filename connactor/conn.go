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

// Conn is the handle to one HTTP/2 connection: the connection actor, its
// reader and its writer. Its methods are safe from any goroutine.
//
// Every field is set before start returns and never written after: the
// handle holds what is immutable and the channels through which the
// connection is reached. What changes as the connection runs lives in
// connActor, which only the connection actor's goroutine touches, and in
// the writer, which only the writer's does.
type Conn struct {
	role     Role
	remote   net.Addr
	local    net.Addr
	authInfo any // Config.AuthInfo, kept for the layer above
	ref      *actors.Ref

	inbox   chan connMsg    // from: stream, caller to connection; blocks until the connection actor takes it or ends (caller: Open, GracefulClose)
	credit  chan creditMsg  // from: stream to connection; blocks until the connection actor takes it or ends
	wops    chan<- writerOp // from: stream to writer; blocks while full (back-pressure, down the graph); and from: connection to writer; never: it backlogs instead (control_backlog.go)
	wdone   <-chan struct{} // from: writer to stream; never (closed when the writer ends)
	closeCh chan error      // from: caller to connection; never: Close's; room for one, later ones are moot
	// goingAway is closed by the connection actor when the connection
	// stops taking new streams (its phase leaves serving).
	goingAway chan struct{} // from: connection to subchannel, caller; never (closed once)
	// peerGoAway is the peer's GOAWAY when it is why goingAway closed.
	// The connection actor fills it before it closes goingAway and never
	// after; others read it only after (see PeerGoAway), so the close
	// hands it over.
	peerGoAway *goAwayNote
	// final is what the connection had done when it ended: filled by the
	// connection actor as it shuts down, read only after Done (FinalStats).
	final *SocketStats
}

// goAwayNote holds the peer's GOAWAY for PeerGoAway.
type goAwayNote struct {
	g  GoAway
	ok bool
}

func (c *Conn) tell(m connMsg) {
	select {
	case c.inbox <- m:
	case <-c.ref.Done():
	}
}

func (c *Conn) giveCredit(m creditMsg) {
	select {
	case c.credit <- m:
	case <-c.ref.Done():
	}
}

// write hands a stream's op to the writer. Once the writer has ended
// nothing is accepted (its mailbox may still have room, so that is checked
// first); a Write that slips in as it ends is failed by the connection's
// shutdown.
func (c *Conn) write(op writerOp) error {
	select {
	case <-c.wdone:
		return ErrConnClosed
	default:
	}
	select {
	case c.wops <- op:
		return nil
	case <-c.wdone:
		return ErrConnClosed
	}
}

// Done is closed when the connection and all its goroutines have ended.
func (c *Conn) Done() <-chan struct{} { return c.ref.Done() }

// Err is why the connection ended (nil before that, or after a clean close).
func (c *Conn) Err() error {
	err := c.ref.Err()
	if err == actors.ErrStopped {
		return nil
	}
	return err
}

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// LocalAddr is our end's address.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// AuthInfo is Config.AuthInfo: what the handshake before HTTP/2 told of
// the peer.
func (c *Conn) AuthInfo() any { return c.authInfo }

// Close ends the connection now: every stream on it ends with err (or
// ErrConnClosed). It does not wait; use Done.
func (c *Conn) Close(err error) {
	if err == nil {
		err = ErrConnClosed
	}
	select {
	case c.closeCh <- err:
	default:
	}
	c.ref.Stop()
}

// GracefulClose sends GOAWAY, refuses new streams, and ends the connection
// once the streams in flight have ended.
func (c *Conn) GracefulClose() { c.tell(gracefulMsg{}) }

// Inspect describes the connection actor while it runs, with its reader,
// its writer and its streams' actors below it.
func (c *Conn) Inspect(ctx context.Context) actors.Info { return c.ref.Inspect(ctx) }

// Ref is the connection actor, for an owner that lists it in its own
// Inspect answer.
func (c *Conn) Ref() *actors.Ref { return c.ref }

// start spawns the reader, the writer and the connection actor on a
// connection whose handshake is done.
func start(parent context.Context, nc net.Conn, cfg Config, br *readBuf, rfr *http2.Framer, w *writer, peer []http2.Setting) *Conn {
	quit := make(chan struct{})
	w.quit = quit
	frames := make(chan []inFrame, 8)
	c := &Conn{
		role:       cfg.Role,
		inbox:      make(chan connMsg, 32),
		credit:     make(chan creditMsg, 16),
		wops:       w.ops,
		remote:     nc.RemoteAddr(),
		local:      nc.LocalAddr(),
		authInfo:   cfg.AuthInfo,
		closeCh:    make(chan error, 1),
		goingAway:  make(chan struct{}),
		peerGoAway: new(goAwayNote),
	}
	var pings *pingPolice
	if cfg.Role == RoleServer && cfg.PingPolicy != nil {
		pings = newPingPolice(*cfg.PingPolicy)
		w.sentNote = pings.sent // before the writer starts
	}
	// The writer and the reader are actors of their own under the
	// connection's parent: named, with an exit reason (a panic included).
	// The writer's end reaches the connection actor among its reports
	// (room kept for it, told before Done closes); a reader that dies other than by
	// quit closes the socket, so that the writer fails and the
	// connection ends instead of waiting for frames that never come.
	reports := w.reports
	wref := actors.SpawnRunner(parent, "conn/"+cfg.Name+"/writer", w, // its Run: no closure frame on its stack
		logPanic(cfg, nc.RemoteAddr()), actors.OnExit(func(_ string, err error) { reports <- writerEnd{stoppedIsNil(err)} }))
	c.wdone = wref.Done()
	rd := &reader{fr: rfr, br: br, out: frames, quit: quit}
	rref := actors.Spawn(parent, "conn/"+cfg.Name+"/reader",
		func(context.Context) error { rd.run(); return nil },
		logPanic(cfg, nc.RemoteAddr()), actors.OnExit(func(_ string, err error) {
			if stoppedIsNil(err) != nil {
				nc.Close()
			}
		}))
	probe := make(chan chan<- actors.Report)
	a := &connActor{
		c:              c,
		role:           cfg.Role,
		accept:         cfg.Accept,
		maxStreams:     cfg.MaxConcurrentStreams,
		name:           cfg.Name,
		counts:         actors.StartCounts(),
		logger:         cfg.logger(),
		nc:             nc,
		frames:         frames,
		quit:           quit,
		rdone:          rref.Done(),
		wreports:       w.reports,
		wcloses:        w.closes,
		wopsIn:         w.ops,
		ctrl:           w.ctrl,
		ctrlIn:         w.ctrl,
		wstats:         w.stats,
		probe:          probe,
		streams:        make(map[uint32]*streamEntry),
		nextID:         1,
		peerMaxStreams: 1<<31 - 1,
		connRecvAvail:  int64(cfg.ConnWindow),
		streamWindow:   cfg.StreamWindow,
		connWindow:     cfg.ConnWindow,
		bdp:            newConnBDP(cfg),
		pings:          pings,
	}
	now := time.Now()
	if cfg.Role == RoleServer && (cfg.MaxConnectionIdle > 0 || cfg.MaxConnectionAge > 0) {
		a.age = newConnAge(cfg, now)
		a.wake.set(wakeAge, now.Add(a.age.next(now, 0))) // a limit is set, so something is due
	}
	if cfg.Role == RoleServer {
		a.budget = newConnBudget(cfg.MemoryBudget)
		a.stall = newStallWatch(cfg)
		if a.stall.period > 0 {
			a.wake.set(wakeStall, now.Add(a.stall.period))
		}
	}
	if cfg.KeepaliveTime > 0 {
		a.ka = newKeepalive(cfg, now)
		a.wake.set(wakeKeepalive, now.Add(cfg.KeepaliveTime))
	}
	a.applyPeerSettings(peer)
	a.reader, a.writer, a.w = rref, wref, w
	// The actor waits for c.ref to be set: streams it accepts read it.
	ready := make(chan struct{})
	opts := []actors.Option{actors.WithMailbox(func() (int, int) {
		return len(c.inbox) + len(c.credit) + len(frames), cap(c.inbox) + cap(c.credit) + cap(frames)
	}), actors.WithProbe(probe)}
	if cfg.Ended != nil {
		opts = append(opts, actors.OnExit(func(string, error) { cfg.Ended(c) }))
	}

	opts = append(opts, logPanic(cfg, nc.RemoteAddr()))
	c.ref = actors.Spawn(parent, "conn/"+cfg.Name, func(ctx context.Context) error {
		<-ready
		return a.run(ctx)
	}, opts...)
	close(ready)
	return c
}

// handshakeDeadline bounds the preface exchange, then lifts the bound.
func handshakeDeadline(ctx context.Context, nc net.Conn, timeout time.Duration) func() {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	return func() {
		stop()
		nc.SetDeadline(time.Time{})
	}
}

func handshakeError(name string, err error) error {
	return fmt.Errorf("http2 handshake with %s: %w", name, err)
}

// stoppedIsNil: the reader and the writer ignore their actor context (quit
// and opClose end them), so an actor that returned nil after its parent
// ended simply finished.
func stoppedIsNil(err error) error {
	if errors.Is(err, actors.ErrStopped) {
		return nil
	}
	return err
}
