package rpc

import (
	"context"
	"fmt"
	"net"

	"github.com/actorpc/actorpc/connactor"
)

type channelMsg struct {
	kind  channelMsgKind
	reply chan<- pickResult
	conn  *connactor.Conn
}

type channelMsgKind uint8

const (
	msgPick       channelMsgKind = iota
	msgConnFailed                // the connection is going away: dial a new one on the next pick
)

type pickResult struct {
	conn *connactor.Conn
	err  error
}

type dialResult struct {
	conn *connactor.Conn
	err  error
}

// channelActor owns the client's connection and the calls waiting for one.
type channelActor struct {
	cc      *ClientConn
	conn    *connactor.Conn
	retired []*connactor.Conn // going away: still serving their calls
	dialing bool
	dialed  chan dialResult
	waiting []chan<- pickResult
}

func (a *channelActor) run(ctx context.Context) error {
	a.dialed = make(chan dialResult, 1)
	defer a.shutdown()
	for {
		var connDone <-chan struct{}
		if a.conn != nil {
			connDone = a.conn.Done()
		}
		select {
		case m := <-a.cc.inbox:
			a.handle(ctx, m)
		case res := <-a.dialed:
			a.dialing = false
			a.conn = res.conn
			for _, w := range a.waiting {
				w <- pickResult(res)
			}
			a.waiting = nil
		case <-connDone:
			a.conn = nil
		case <-ctx.Done():
			return nil
		}
		a.pruneRetired()
	}
}

func (a *channelActor) handle(ctx context.Context, m channelMsg) {
	switch m.kind {
	case msgPick:
		if a.conn != nil {
			m.reply <- pickResult{conn: a.conn}
			return
		}
		a.waiting = append(a.waiting, m.reply)
		if !a.dialing {
			a.dialing = true
			go a.dial(ctx)
		}
	case msgConnFailed:
		if m.conn == a.conn {
			a.retired = append(a.retired, a.conn)
			a.conn = nil
		}
	}
}

// dial connects off the actor's goroutine; the result comes back as a
// message. The connection's parent context is the channel's, so closing
// the channel ends it.
func (a *channelActor) dial(ctx context.Context) {
	dctx, cancel := context.WithTimeout(ctx, a.cc.opts.connTimeout)
	defer cancel()
	res := dialResult{}
	nc, err := a.cc.opts.dialer(dctx, a.cc.addr)
	if err == nil {
		var secured net.Conn
		secured, _, err = a.cc.opts.creds.ClientHandshake(dctx, a.cc.authority, nc)
		if err != nil {
			nc.Close()
		}
		nc = secured
	}
	if err != nil {
		res.err = fmt.Errorf("connecting to %s: %w", a.cc.addr, err)
	} else {
		conn, err := connactor.Dial(ctx, nc, connactor.Config{Name: "client " + a.cc.addr})
		if err != nil {
			nc.Close()
			res.err = err
		}
		res.conn = conn
	}
	a.dialed <- res
}

func (a *channelActor) pruneRetired() {
	live := a.retired[:0]
	for _, c := range a.retired {
		select {
		case <-c.Done():
		default:
			live = append(live, c)
		}
	}
	a.retired = live
}

// shutdown closes every connection and waits for them and the dial in
// progress, so that no goroutine of the channel outlives Close.
func (a *channelActor) shutdown() {
	if a.dialing {
		res := <-a.dialed
		if res.conn != nil {
			a.retired = append(a.retired, res.conn)
		}
	}
	for _, w := range a.waiting {
		w <- pickResult{err: ErrClientConnClosing}
	}
	conns := append(a.retired, a.conn)
	for _, c := range conns {
		if c != nil {
			c.Close(ErrClientConnClosing)
		}
	}
	for _, c := range conns {
		if c != nil {
			<-c.Done()
		}
	}
}
