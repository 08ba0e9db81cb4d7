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

// serverMsg is what the server actor is told.
type serverMsg struct {
	kind     serverMsgKind
	lis      net.Listener
	nc       net.Conn
	conn     *connactor.Conn
	added    chan<- bool
	graceful bool
	stopped  chan struct{}
	panicked error // msgHandlerPanicked

	service     *serviceInfo                  // msgRegister
	registered  chan<- error                  // msgRegister
	serviceInfo chan<- map[string]ServiceInfo // msgServiceInfo
}

type serverMsgKind uint8

const (
	msgAddListener serverMsgKind = iota
	msgRemoveListener
	msgNewConn   // accepted: run the handshake
	msgConnReady // handshake done
	msgConnEnded
	msgStop
	msgStopping
	msgRegister    // RegisterService: refused once serving
	msgServiceInfo // GetServiceInfo

	msgHandlerPanicked // a handler's exit reason, for Inspect (server_inspect.go)
)

// serverActor owns the server's listeners and connections.
type serverActor struct {
	s         *Server
	listeners map[net.Listener]bool
	conns     map[*connactor.Conn]bool
	// endedEarly: connections whose end was told before their handshake
	// goroutine told they were ready (two senders, no order between them).
	endedEarly map[*connactor.Conn]bool
	pending    int // handshakes in progress
	stopping   bool
	serving    bool            // Serve was called: no service may be registered now
	waiters    []chan struct{} // Stop callers, told when the last connection ends
	panics     panicLog        // the last handlers' panics, for Inspect
}

func (a *serverActor) run(ctx context.Context) error {
	for {
		select {
		case m := <-a.s.inbox:
			a.handle(m)
		case reply := <-a.s.probe:
			a.handleQueued()
			actors.Probe(reply, a.describe(), a.children()...)
		case <-ctx.Done():
			return nil
		}
		if a.stopping && len(a.conns) == 0 && a.pending == 0 {
			for _, w := range a.waiters {
				close(w)
			}
			a.waiters = nil
		}
	}
}

func (a *serverActor) handle(m serverMsg) {
	switch m.kind {
	case msgRegister:
		m.registered <- a.register(m.service)
	case msgServiceInfo:
		m.serviceInfo <- a.serviceInfo()
	case msgAddListener:
		a.serving = true
		if !a.stopping {
			a.listeners[m.lis] = true
		}
		m.added <- !a.stopping
	case msgRemoveListener:
		delete(a.listeners, m.lis)
	case msgStopping:
		m.added <- a.stopping
	case msgHandlerPanicked:
		a.panics.add(m.panicked)
	case msgNewConn:
		if a.stopping {
			m.nc.Close()
			return
		}
		a.pending++
		nc := m.nc
		actors.Spawn(a.s.ctx, "handshake "+nc.RemoteAddr().String(),
			func(context.Context) error { a.s.handshake(nc); return nil },
			actors.OnExit(func(_ string, err error) {
				if err != nil && !errors.Is(err, actors.ErrStopped) {
					// A panic: the handshake told nobody; do it for it,
					// so that Stop does not wait on it for ever.
					nc.Close()
					a.s.tell(serverMsg{kind: msgConnReady})
				}
			}))
	case msgConnReady:
		a.pending--
		if m.conn == nil {
			return
		}
		if a.endedEarly[m.conn] {
			delete(a.endedEarly, m.conn)
			return
		}
		a.conns[m.conn] = true
		if a.stopping {
			a.closeConn(m.conn, true)
		}
	case msgConnEnded:
		// Told from the connection's last act: its goroutine is past the
		// telling and closes Done at once. Waiting for that keeps Stop's
		// promise that no goroutine of the server outlives it.
		<-m.conn.Done()
		if !a.conns[m.conn] {
			a.endedEarly[m.conn] = true
		}
		delete(a.conns, m.conn)
	case msgStop:
		a.waiters = append(a.waiters, m.stopped)
		if !a.stopping {
			a.stopping = true
			for lis := range a.listeners {
				lis.Close()
			}
		}
		for c := range a.conns {
			a.closeConn(c, m.graceful)
		}
	}
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
func (s *Server) secureAndAccept(raw net.Conn) (*connactor.Conn, error) {
	raw.SetDeadline(time.Now().Add(s.opts.handshakeTimeout))
	// Stop must not wait for a client that stalls its TLS handshake.
	unstop := context.AfterFunc(s.ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	nc, authInfo, err := s.opts.creds.ServerHandshake(raw)
	unstop()
	if err != nil {
		return nil, err
	}
	raw.SetDeadline(time.Time{})
	// Every call on the connection tells its handler who the client is.
	p := &peer.Peer{Addr: raw.RemoteAddr(), LocalAddr: raw.LocalAddr(), AuthInfo: authInfo}
	cfg := s.connConfig(raw, p)
	cfg.HandshakeTimeout = s.opts.handshakeTimeout
	return connactor.Accept(s.ctx, nc, cfg)
}

// handshake runs the HTTP/2 handshake off the accept loop, so a slow
// client cannot hold up others. The connection reports its own end
// (connConfig's Ended), so nothing waits here for it.
func (s *Server) handshake(raw net.Conn) {
	conn, err := s.secureAndAccept(raw)
	if err != nil {
		raw.Close()
		s.tell(serverMsg{kind: msgConnReady})
		return
	}
	s.tell(serverMsg{kind: msgConnReady, conn: conn})
}
