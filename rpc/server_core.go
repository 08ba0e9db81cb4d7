package rpc

import (
	"errors"
	"net"
	"time"

	"github.com/actorpc/actorpc/connactor"
)

// The server's decisions, apart from the actor that carries them out: which
// listeners and connections it holds, what a new socket, a finished
// handshake, an ended connection or a Stop does to them, and when the
// callers of Stop may go. Nothing here sends, closes or spawns; each step
// returns what the actor must do (serverEffects), so that the tests can
// walk every (phase, event) pair without a socket.

// serverPhase is where the server is in its life. It only moves forward:
// open -> draining -> stopping, or open -> stopping.
type serverPhase uint8

const (
	// serverOpen: listeners accept, handshakes run, connections serve.
	serverOpen serverPhase = iota
	// serverDraining: GracefulStop. No listener, no new connection; those
	// serving got GOAWAY and end when their calls do.
	serverDraining
	// serverStopping: Stop. Every connection is closed at once, calls
	// end; a GracefulStop already under way is hurried this way.
	serverStopping
)

func (p serverPhase) String() string {
	switch p {
	case serverOpen:
		return "open"
	case serverDraining:
		return "draining"
	case serverStopping:
		return "stopping"
	}
	return "phase?"
}

// serverCore is the server's state, owned by the server actor's loop.
type serverCore struct {
	phase serverPhase
	// serving: Serve was called once, so no service may be registered now.
	serving   bool
	listeners map[net.Listener]bool
	conns     map[*connactor.Conn]bool
	// endedEarly: connections whose end was told before their handshake
	// told they were ready. The two come from different goroutines (the
	// connection's last act, the handshake's), with no order between them.
	endedEarly   map[*connactor.Conn]bool
	handshakes   int // sockets accepted whose handshake has not told its outcome
	statsWatches int // handshake actors still to tell the stats handlers their connection's end
	// waiters are the Stop and GracefulStop callers', closed when
	// nothing is left. from: server actor; never
	waiters []chan struct{}
}

func newServerCore() *serverCore {
	return &serverCore{
		listeners:  map[net.Listener]bool{},
		conns:      map[*connactor.Conn]bool{},
		endedEarly: map[*connactor.Conn]bool{},
	}
}

// serverEffects is what one step asks the actor to do, in this order.
type serverEffects struct {
	closeListeners []net.Listener
	// closeConns are to be closed: gracefully (GOAWAY, calls finish) when
	// graceful, at once otherwise.
	closeConns []*connactor.Conn
	graceful   bool
	// release are the Stop callers to wake (closed): the server holds
	// nothing more. from: server actor; never
	release []chan struct{}
}

func (c *serverCore) stopping() bool { return c.phase != serverOpen }

// addListener is Serve starting on lis. A stopped server takes no
// listener: Serve closes it and returns ErrServerStopped.
func (c *serverCore) addListener(lis net.Listener) (accepted bool) {
	c.serving = true
	if c.stopping() {
		return false
	}
	c.listeners[lis] = true
	return true
}

// removeListener is Serve returning: its listener failed or was closed.
func (c *serverCore) removeListener(lis net.Listener) { delete(c.listeners, lis) }

// newConn is a socket Serve accepted: run its handshake, unless the
// server is stopping, when the socket is closed unanswered.
func (c *serverCore) newConn() (handshake bool) {
	if c.stopping() {
		return false
	}
	c.handshakes++
	return true
}

// handshakeDone is a handshake's outcome: conn, or nil when it failed (or
// panicked). A connection ready after Stop is closed the way the stop
// closes the others; one whose end was already told is forgotten.
func (c *serverCore) handshakeDone(conn *connactor.Conn) serverEffects {
	c.handshakes--
	var fx serverEffects
	switch {
	case conn == nil:
	case c.endedEarly[conn]:
		delete(c.endedEarly, conn)
	default:
		c.conns[conn] = true
		if c.stopping() {
			fx.closeConns, fx.graceful = []*connactor.Conn{conn}, c.phase == serverDraining
		}
	}
	fx.release = c.releasable()
	return fx
}

// connEnded is a connection's last act. Told before its handshake told it
// was ready, it is remembered so that the late "ready" does not add it.
func (c *serverCore) connEnded(conn *connactor.Conn) serverEffects {
	if !c.conns[conn] {
		c.endedEarly[conn] = true
	}
	delete(c.conns, conn)
	return serverEffects{release: c.releasable()}
}

// stop is Stop (graceful false) or GracefulStop (true); done is closed
// once the server holds no connection and runs no handshake. The first
// stop closes the listeners; every stop closes the connections, so that
// a Stop after a GracefulStop cuts the calls the first one let finish. A
// GracefulStop after a Stop changes nothing: the phase never goes back.
func (c *serverCore) stop(graceful bool, done chan struct{}) serverEffects {
	c.waiters = append(c.waiters, done)
	var fx serverEffects
	if !c.stopping() {
		for lis := range c.listeners {
			fx.closeListeners = append(fx.closeListeners, lis)
		}
	}
	next := serverStopping
	if graceful && c.phase != serverStopping {
		next = serverDraining
	}
	c.phase = next
	for conn := range c.conns {
		fx.closeConns = append(fx.closeConns, conn)
	}
	fx.graceful = c.phase == serverDraining
	fx.release = c.releasable()
	return fx
}

// statsWatchStarted: a handshake actor stays to tell the stats handlers
// its connection's end; a stop waits for it as for a handshake.
func (c *serverCore) statsWatchStarted() { c.statsWatches++ }

// statsWatchEnded: a handshake actor told its connection's end.
func (c *serverCore) statsWatchEnded() serverEffects {
	c.statsWatches--
	return serverEffects{release: c.releasable()}
}

// releasable hands over the waiters once a stopping server holds nothing.
func (c *serverCore) releasable() []chan struct{} {
	if !c.stopping() || len(c.conns) > 0 || c.handshakes > 0 || c.statsWatches > 0 {
		return nil
	}
	w := c.waiters
	c.waiters = nil
	return w
}

// acceptVerdict is what Serve does after its listener's Accept failed.
type acceptVerdict uint8

const (
	// acceptRetry: a temporary failure (out of file descriptors, say):
	// wait acceptBackoff and accept again.
	acceptRetry acceptVerdict = iota
	// acceptStopped: the server is stopping; Serve returns nil.
	acceptStopped
	// acceptFailed: the listener is broken or was closed by someone other
	// than Stop; Serve returns the error.
	acceptFailed
)

// judgeAcceptError decides what an Accept error means. stopped says
// whether the server is stopping, which is why its listeners close.
func judgeAcceptError(err error, stopped bool) acceptVerdict {
	if stopped {
		return acceptStopped
	}
	var ne net.Error
	if !errors.Is(err, net.ErrClosed) && errors.As(err, &ne) && ne.Timeout() {
		return acceptRetry
	}
	return acceptFailed
}

// acceptBackoff is the wait after the temporary Accept failure that
// follows a wait of prev: 5 ms, doubling, at most a second (what
// net/http's Server does).
func acceptBackoff(prev time.Duration) time.Duration {
	return min(max(2*prev, 5*time.Millisecond), time.Second)
}
