package rpc

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/peer"
)

// serverMsg is what the server actor is told: a closed set, one type per
// message, each with only the fields it needs.
type serverMsg interface{ serverMsg() }

type (
	// addListenerMsg: Serve starts on lis (Ask: false when stopping).
	addListenerMsg struct {
		lis   net.Listener
		reply chan<- bool // actors.Ask: room for one. from: server actor to caller; never
	}
	// removeListenerMsg: Serve returned; lis is closed.
	removeListenerMsg struct{ lis net.Listener }
	// newConnMsg: Serve accepted nc; run its handshake.
	newConnMsg struct{ nc net.Conn }
	// handshakeDoneMsg: a handshake's outcome; conn is nil when it failed.
	// watching: the handshake actor stays, to tell the stats handlers
	// the connection's end, and tells connStatsDoneMsg when it has.
	handshakeDoneMsg struct {
		conn     *connactor.Conn
		watching bool
	}
	// connStatsDoneMsg: a handshake actor told the stats handlers its
	// connection's end (stats_conn.go).
	connStatsDoneMsg struct{}
	// connEndedMsg: a connection's last act (connactor.Config.Ended).
	connEndedMsg struct{ conn *connactor.Conn }
	// stopMsg: Stop or GracefulStop; done is closed when nothing is left.
	stopMsg struct {
		graceful bool
		done     chan struct{} // closed. from: server actor to caller; never
	}
	// stoppingMsg asks whether Stop or GracefulStop was called.
	stoppingMsg struct {
		reply chan<- bool // actors.Ask: room for one. from: server actor to caller; never
	}
	// handlerPanickedMsg: a handler's exit reason, for Inspect
	// (server_inspect.go).
	handlerPanickedMsg struct{ err error }
	// registerMsg: RegisterService (Ask: refused once serving).
	registerMsg struct {
		service *serviceInfo
		reply   chan<- error // actors.Ask: room for one. from: server actor to caller; never
	}
	// serviceInfoMsg: GetServiceInfo (Ask).
	serviceInfoMsg struct {
		reply chan<- map[string]ServiceInfo // actors.Ask: room for one. from: server actor to caller; never
	}
)

func (addListenerMsg) serverMsg()     {}
func (removeListenerMsg) serverMsg()  {}
func (newConnMsg) serverMsg()         {}
func (handshakeDoneMsg) serverMsg()   {}
func (connStatsDoneMsg) serverMsg()   {}
func (connEndedMsg) serverMsg()       {}
func (stopMsg) serverMsg()            {}
func (stoppingMsg) serverMsg()        {}
func (handlerPanickedMsg) serverMsg() {}
func (registerMsg) serverMsg()        {}
func (serviceInfoMsg) serverMsg()     {}

// serverActor owns the server's listeners and connections; serverCore
// makes every decision about them, the actor carries them out.
type serverActor struct {
	s      *Server
	core   *serverCore
	panics panicLog      // the last handlers' panics, for Inspect
	counts actors.Counts // its traffic, for Inspect (server_counts.go)
	ended  CallCounts    // what the connections that ended did, for Inspect (entity_stats.go)
}

func (a *serverActor) run(ctx context.Context) error {
	a.counts = actors.StartCounts()
	for {
		select {
		case m := <-a.s.inbox:
			a.handle(m)
		case reply := <-a.s.probe:
			a.handleQueued()
			actors.Answer(reply, actors.Report{State: a.describe(), Stats: a.serverStats(), Counts: a.counts, Children: a.children()})
		case <-ctx.Done():
			return nil
		}
	}
}

func (a *serverActor) handle(m serverMsg) {
	a.count(m)
	switch m := m.(type) {
	case registerMsg:
		m.reply <- a.register(m.service)
	case serviceInfoMsg:
		m.reply <- a.serviceInfo()
	case addListenerMsg:
		m.reply <- a.core.addListener(m.lis)
	case removeListenerMsg:
		a.core.removeListener(m.lis)
	case stoppingMsg:
		m.reply <- a.core.stopping()
	case handlerPanickedMsg:
		a.panics.add(m.err)
	case newConnMsg:
		if !a.core.newConn() {
			m.nc.Close()
			return
		}
		a.spawnHandshake(m.nc)
	case handshakeDoneMsg:
		if m.watching {
			a.core.statsWatchStarted()
		}
		a.apply(a.core.handshakeDone(m.conn))
	case connStatsDoneMsg:
		a.apply(a.core.statsWatchEnded())
	case connEndedMsg:
		// Told from the connection's last act: its goroutine is past the
		// telling and closes Done at once. Waiting for that keeps Stop's
		// promise that no goroutine of the server outlives it.
		<-m.conn.Done()
		if a.core.conns[m.conn] {
			a.ended.connGone(m.conn)
		}
		a.apply(a.core.connEnded(m.conn))
	case stopMsg:
		a.apply(a.core.stop(m.graceful, m.done))
	}
}

// apply carries out what the core decided.
func (a *serverActor) apply(fx serverEffects) {
	a.counts.Out += uint64(len(fx.closeConns) + len(fx.release))
	for _, lis := range fx.closeListeners {
		lis.Close()
	}
	for _, c := range fx.closeConns {
		a.closeConn(c, fx.graceful)
	}
	for _, w := range fx.release {
		close(w)
	}
}

// spawnHandshake runs nc's handshakes (credentials, then HTTP/2) off the
// actor, so that a slow client holds up nobody.
func (a *serverActor) spawnHandshake(nc net.Conn) {
	actors.Spawn(a.s.ctx, "handshake "+nc.RemoteAddr().String(),
		func(context.Context) error { a.s.handshake(nc); return nil },
		actors.OnExit(func(_ string, err error) {
			if err != nil && !errors.Is(err, actors.ErrStopped) {
				// A panic: the handshake told nobody; do it for it,
				// so that Stop does not wait on it for ever.
				nc.Close()
				a.s.tell(handshakeDoneMsg{})
			}
		}))
}

func (a *serverActor) closeConn(c *connactor.Conn, graceful bool) {
	if graceful {
		// GracefulClose sends to the connection, which may be busy; an
		// actor of its own keeps the server actor from waiting on it.
		actors.Spawn(a.s.ctx, "graceful close", func(context.Context) error { c.GracefulClose(); return nil })
		return
	}
	c.Close(nil)
}

// secureAndAccept runs the credentials' handshake (TLS) and then HTTP/2's,
// both bounded by the connection timeout.
// connCtx is the connection's context for the stats handlers, after
// ConnBegin (nil without them); when err is not nil, ConnEnd was told.
func (s *Server) secureAndAccept(raw net.Conn) (_ *connactor.Conn, connCtx context.Context, _ error) {
	raw.SetDeadline(time.Now().Add(s.opts.handshakeTimeout))
	// Stop must not wait for a client that stalls its TLS handshake.
	unstop := context.AfterFunc(s.ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	nc, authInfo, err := s.opts.creds.ServerHandshake(raw)
	unstop()
	if err != nil {
		s.opts.logger.Info("rpc: the credentials' handshake failed", "peer", raw.RemoteAddr().String(), "error", err.Error())
		return nil, nil, err
	}
	raw.SetDeadline(time.Time{})
	// Every call on the connection tells its handler who the client is.
	p := &peer.Peer{Addr: raw.RemoteAddr(), LocalAddr: raw.LocalAddr(), AuthInfo: authInfo}
	hs := s.opts.stats
	if len(hs) > 0 {
		connCtx = hs.beginConn(p.LocalAddr, p.Addr, false, s.opts.logger)
	}
	cfg := s.connConfig(raw, p, connCtx)
	cfg.HandshakeTimeout = s.opts.handshakeTimeout
	conn, err := connactor.Accept(s.ctx, nc, cfg)
	if err != nil && len(hs) > 0 {
		hs.endConn(connCtx, p.Addr, false, s.opts.logger)
	}
	return conn, connCtx, err
}

// handshake runs the HTTP/2 handshake off the accept loop, so a slow
// client cannot hold up others. The connection reports its own end
// (connConfig's Ended), so nothing waits here for it, but for the stats
// handlers' ConnEnd (stats_conn.go).
func (s *Server) handshake(raw net.Conn) {
	conn, connCtx, err := s.secureAndAccept(raw)
	if err != nil {
		raw.Close()
		s.tell(handshakeDoneMsg{})
		return
	}
	hs := s.opts.stats
	s.tell(handshakeDoneMsg{conn: conn, watching: len(hs) > 0})
	if len(hs) > 0 {
		<-conn.Done()
		hs.endConn(connCtx, conn.RemoteAddr(), false, s.opts.logger)
		s.tell(connStatsDoneMsg{})
	}
}
