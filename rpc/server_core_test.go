package rpc

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/connactor"
)

// fakeListener is a listener the core only holds and tells to close.
type fakeListener struct{ net.Listener }

// serverAt builds a core in phase with one listener (while open), two
// serving connections and one handshake running.
func serverAt(phase serverPhase) (*serverCore, [2]*connactor.Conn) {
	c := newServerCore()
	lis := &fakeListener{}
	c.addListener(lis)
	conns := [2]*connactor.Conn{new(connactor.Conn), new(connactor.Conn)}
	for _, conn := range conns {
		c.newConn()
		c.handshakeDone(conn)
	}
	c.newConn()
	switch phase {
	case serverDraining:
		c.stop(true, make(chan struct{}))
	case serverStopping:
		c.stop(false, make(chan struct{}))
	}
	return c, conns
}

func TestServerCoreEvents(t *testing.T) {
	type want struct {
		phase     serverPhase
		accepted  bool // addListener's answer / newConn's
		closeLis  int
		closeConn int
		graceful  bool
		released  int
		conns     int
	}
	type event struct {
		name string
		do   func(c *serverCore, conns [2]*connactor.Conn) (bool, serverEffects)
	}
	newConn := event{"newConn", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return c.newConn(), serverEffects{}
	}}
	addListener := event{"addListener", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return c.addListener(&fakeListener{}), serverEffects{}
	}}
	readyNew := event{"handshake ready", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return false, c.handshakeDone(new(connactor.Conn))
	}}
	failed := event{"handshake failed", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return false, c.handshakeDone(nil)
	}}
	ended := event{"conn ended", func(c *serverCore, conns [2]*connactor.Conn) (bool, serverEffects) {
		return false, c.connEnded(conns[0])
	}}
	stop := event{"Stop", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return false, c.stop(false, make(chan struct{}))
	}}
	graceful := event{"GracefulStop", func(c *serverCore, _ [2]*connactor.Conn) (bool, serverEffects) {
		return false, c.stop(true, make(chan struct{}))
	}}
	cases := []struct {
		from serverPhase
		ev   event
		want want
	}{
		{serverOpen, newConn, want{phase: serverOpen, accepted: true, conns: 2}},
		{serverOpen, addListener, want{phase: serverOpen, accepted: true, conns: 2}},
		{serverOpen, readyNew, want{phase: serverOpen, conns: 3}},
		{serverOpen, failed, want{phase: serverOpen, conns: 2}},
		{serverOpen, ended, want{phase: serverOpen, conns: 1}},
		{serverOpen, stop, want{phase: serverStopping, closeLis: 1, closeConn: 2, conns: 2}},
		{serverOpen, graceful, want{phase: serverDraining, closeLis: 1, closeConn: 2, graceful: true, conns: 2}},

		{serverDraining, newConn, want{phase: serverDraining, conns: 2}},
		{serverDraining, addListener, want{phase: serverDraining, conns: 2}},
		// A connection whose handshake ends after GracefulStop gets GOAWAY too.
		{serverDraining, readyNew, want{phase: serverDraining, closeConn: 1, graceful: true, conns: 3}},
		{serverDraining, failed, want{phase: serverDraining, conns: 2}},
		{serverDraining, ended, want{phase: serverDraining, conns: 1}},
		// Stop after GracefulStop cuts the calls still running.
		{serverDraining, stop, want{phase: serverStopping, closeConn: 2, conns: 2}},
		{serverDraining, graceful, want{phase: serverDraining, closeConn: 2, graceful: true, conns: 2}},

		{serverStopping, newConn, want{phase: serverStopping, conns: 2}},
		{serverStopping, addListener, want{phase: serverStopping, conns: 2}},
		{serverStopping, readyNew, want{phase: serverStopping, closeConn: 1, conns: 3}},
		{serverStopping, failed, want{phase: serverStopping, conns: 2}},
		{serverStopping, ended, want{phase: serverStopping, conns: 1}},
		{serverStopping, stop, want{phase: serverStopping, closeConn: 2, conns: 2}},
		// GracefulStop never softens a Stop.
		{serverStopping, graceful, want{phase: serverStopping, closeConn: 2, conns: 2}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s", tc.from, tc.ev.name), func(t *testing.T) {
			c, conns := serverAt(tc.from)
			accepted, fx := tc.ev.do(c, conns)
			assert.Equal(t, tc.want.phase, c.phase)
			assert.Equal(t, tc.want.accepted, accepted)
			assert.Len(t, fx.closeListeners, tc.want.closeLis)
			assert.Len(t, fx.closeConns, tc.want.closeConn)
			if len(fx.closeConns) > 0 {
				assert.Equal(t, tc.want.graceful, fx.graceful)
			}
			assert.Len(t, fx.release, tc.want.released)
			assert.Len(t, c.conns, tc.want.conns)
			assert.True(t, c.serving, "Serve was called: no registration now")
		})
	}
}

// TestServerCoreReleasesStopWhenEmpty: Stop's callers go once the last
// connection ended and the last handshake told its outcome, in any order,
// and not before.
func TestServerCoreReleasesStopWhenEmpty(t *testing.T) {
	for _, graceful := range []bool{false, true} {
		t.Run(fmt.Sprintf("graceful=%t", graceful), func(t *testing.T) {
			c, conns := serverAt(serverOpen)
			first, second := make(chan struct{}), make(chan struct{})
			assert.Empty(t, c.stop(graceful, first).release)
			assert.Empty(t, c.stop(graceful, second).release)
			assert.Empty(t, c.connEnded(conns[0]).release)
			assert.Empty(t, c.handshakeDone(nil).release, "a connection still serves")
			fx := c.connEnded(conns[1])
			assert.ElementsMatch(t, []chan struct{}{first, second}, fx.release)
			assert.Empty(t, c.waiters)
		})
	}
}

func TestServerCoreStopOnIdleServerReleasesAtOnce(t *testing.T) {
	c := newServerCore()
	done := make(chan struct{})
	fx := c.stop(true, done)
	assert.Equal(t, []chan struct{}{done}, fx.release)
	assert.False(t, c.addListener(&fakeListener{}), "Serve after Stop returns ErrServerStopped")
	assert.True(t, c.serving)
}

// TestServerCoreEndBeforeReady: a connection may end (its Ended told)
// before its handshake's "ready" arrives; the late ready must not add it.
func TestServerCoreEndBeforeReady(t *testing.T) {
	c := newServerCore()
	require.True(t, c.newConn())
	conn := new(connactor.Conn)
	c.connEnded(conn)
	assert.True(t, c.endedEarly[conn])
	done := make(chan struct{})
	assert.Empty(t, c.stop(false, done).release, "the handshake has not told")
	fx := c.handshakeDone(conn)
	assert.Empty(t, fx.closeConns)
	assert.Equal(t, []chan struct{}{done}, fx.release)
	assert.Empty(t, c.conns)
	assert.Empty(t, c.endedEarly)
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "accept: too many open files" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestJudgeAcceptError(t *testing.T) {
	closed := fmt.Errorf("accept tcp: %w", net.ErrClosed)
	other := &net.OpError{Op: "accept", Err: os.ErrPermission}
	cases := []struct {
		name    string
		err     error
		stopped bool
		want    acceptVerdict
	}{
		{"closed by Stop", closed, true, acceptStopped},
		{"closed by someone else", closed, false, acceptFailed},
		{"temporary", timeoutErr{}, false, acceptRetry},
		{"temporary while stopping", timeoutErr{}, true, acceptStopped},
		{"broken", other, false, acceptFailed},
		{"broken while stopping", other, true, acceptStopped},
		{"plain error", errors.New("boom"), false, acceptFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, judgeAcceptError(tc.err, tc.stopped))
		})
	}
}

func TestAcceptBackoff(t *testing.T) {
	var got []time.Duration
	var d time.Duration
	for range 10 {
		d = acceptBackoff(d)
		got = append(got, d)
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, time.Second, time.Second}, got)
}
