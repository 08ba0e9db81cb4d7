package connactor

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestKeepaliveCheck drives the timer's decisions with a made-up clock.
func TestKeepaliveCheck(t *testing.T) {
	const interval, timeout = 100 * time.Millisecond, 300 * time.Millisecond
	t0 := time.Unix(1000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	k := &keepalive{interval: interval, timeout: timeout, lastRead: t0}

	v, wait := k.check(at(40*time.Millisecond), 1)
	require.Equal(t, kaWait, v, "read 40ms ago: too early to ping")
	require.Equal(t, 60*time.Millisecond, wait, "the timer is re-armed for one interval after the last read")

	v, wait = k.check(at(interval), 1)
	require.Equal(t, kaPing, v)
	require.Equal(t, interval, wait, "while a ping is out, wake at least every interval")

	v, wait = k.check(at(2*interval), 1)
	require.Equal(t, kaWait, v, "no answer yet, the timeout has not passed: no second ping")
	require.Equal(t, interval, wait)

	// Any frame read after the ping answers it; the next ping is due one
	// interval after that read.
	k.lastRead = at(2*interval + 10*time.Millisecond)
	v, wait = k.check(at(3*interval), 1)
	require.Equal(t, kaWait, v)
	require.Equal(t, 10*time.Millisecond, wait)
	require.False(t, k.outstanding)

	v, _ = k.check(at(3*interval+10*time.Millisecond), 1)
	require.Equal(t, kaPing, v)
	sent := at(3*interval + 10*time.Millisecond)
	v, wait = k.check(sent.Add(timeout-50*time.Millisecond), 1)
	require.Equal(t, kaWait, v)
	require.Equal(t, 50*time.Millisecond, wait, "wake no later than the timeout")
	v, _ = k.check(sent.Add(timeout), 1)
	require.Equal(t, kaDead, v, "nothing read within the timeout")
	require.EqualError(t, k.deadErr(), "keepalive: no answer to a PING within 300ms: the peer or the path to it is dead")
	require.ErrorIs(t, k.deadErr(), ErrKeepaliveTimeout)

	// Without streams an idle connection goes dormant instead of pinging,
	// unless pings without streams are permitted.
	idle := &keepalive{interval: interval, timeout: timeout, lastRead: t0}
	v, _ = idle.check(at(interval), 0)
	require.Equal(t, kaDormant, v)
	require.True(t, idle.dormant)
	permitted := &keepalive{interval: interval, timeout: timeout, lastRead: t0, permitWithoutStream: true}
	v, _ = permitted.check(at(interval), 0)
	require.Equal(t, kaPing, v)

	// A timeout shorter than the interval bounds the wait after a ping.
	short := &keepalive{interval: time.Second, timeout: 200 * time.Millisecond, lastRead: t0}
	v, wait = short.check(at(time.Second), 1)
	require.Equal(t, kaPing, v)
	require.Equal(t, 200*time.Millisecond, wait)
}

// keepaliveConn is a connection in the given role with keepalive on and,
// when withStream is set, one open stream (opened by us as a client, by
// the raw peer against us as a server).
type keepaliveConn struct {
	c *Conn
	p *peer
	s *Stream // nil without a stream
}

func newKeepaliveConn(t *testing.T, role Role, cfg Config, withStream bool) keepaliveConn {
	t.Helper()
	if role == RoleClient {
		c, p := dialPeer(t, cfg)
		kc := keepaliveConn{c: c, p: p}
		if withStream {
			kc.s = open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
			p.waitHeaders(kc.s.ID)
		}
		return kc
	}
	ch := make(chan acceptedStream, 4)
	cfg.Accept = acceptInto(ch)
	c, p := acceptPeer(t, cfg)
	kc := keepaliveConn{c: c, p: p}
	if withStream {
		kc.openFromPeer(t, ch, 1)
	}
	return kc
}

// openFromPeer has the raw client peer open stream id on a server Conn.
func (kc *keepaliveConn) openFromPeer(t *testing.T, ch chan acceptedStream, id uint32) {
	t.Helper()
	kc.p.headers(id, false, requestHeaders("/svc/m"))
	kc.s = waitAccepted(t, ch).s
	require.Equal(t, EventHeaders, nextEvent(t, kc.s).Kind)
}

func isKeepalivePing(f rframe) bool {
	return f.typ == http2.FramePing && !f.ack() && f.ping == keepalivePing
}

// waitKeepalivePing reads until the Conn's next keepalive PING and
// returns when it arrived. Any other PING the Conn sends fails the test.
func (p *peer) waitKeepalivePing() time.Time {
	p.t.Helper()
	_, skipped := p.waitFor("a keepalive PING", isKeepalivePing)
	for _, f := range skipped {
		require.False(p.t, f.typ == http2.FramePing && !f.ack(), "a PING that is not a keepalive one: %v", f)
	}
	return time.Now()
}

func roles() []Role { return []Role{RoleClient, RoleServer} }

// TestKeepaliveAckedPeerStaysUp: a peer that acks keeps the connection
// up across many more keepalive periods than the timeout, and the pings
// are spaced by the keepalive time, not sent back to back.
func TestKeepaliveAckedPeerStaysUp(t *testing.T) {
	const interval, timeout = 50 * time.Millisecond, 300 * time.Millisecond
	for _, role := range roles() {
		t.Run(role.String(), func(t *testing.T) {
			kc := newKeepaliveConn(t, role, Config{KeepaliveTime: interval, KeepaliveTimeout: timeout}, true)
			const pings = 10
			var first, last time.Time
			for i := range pings {
				last = kc.p.waitKeepalivePing()
				if i == 0 {
					first = last
				}
				require.NoError(t, kc.p.fr.WritePing(true, keepalivePing))
			}
			require.GreaterOrEqual(t, last.Sub(first), (pings-2)*interval,
				"keepalive PINGs came faster than one per KeepaliveTime")
			require.Greater(t, last.Sub(first), timeout, "the test must outlast the timeout to prove anything")
			kc.p.pingBarrier()
			require.False(t, isClosed(kc.c.GoingAway()), "the connection is going away: %v", kc.c.Err())
			noEvent(t, kc.s)
			closeConn(t, kc.c)
		})
	}
}

// TestKeepaliveAnyFrameAnswers: as in grpc-go, any frame read after a
// keepalive PING proves the peer alive, not only its ACK.
func TestKeepaliveAnyFrameAnswers(t *testing.T) {
	const interval, timeout = 50 * time.Millisecond, 150 * time.Millisecond
	kc := newKeepaliveConn(t, RoleClient, Config{KeepaliveTime: interval, KeepaliveTimeout: timeout}, true)
	first := kc.p.waitKeepalivePing()
	kc.p.windowUpdate(0, 1)
	var last time.Time
	for range 5 {
		last = kc.p.waitKeepalivePing()
		kc.p.windowUpdate(0, 1) // never an ACK
	}
	require.Greater(t, last.Sub(first), timeout, "the test must outlast the timeout to prove anything")
	kc.p.pingBarrier()
	require.False(t, isClosed(kc.c.GoingAway()), "the connection is going away: %v", kc.c.Err())
}

// TestKeepaliveSilentPeerIsClosed: a peer that never answers a keepalive
// PING, whether it reads and ignores it or stops reading altogether, gets
// the connection closed with ErrKeepaliveTimeout, and the open stream ends
// with that error.
func TestKeepaliveSilentPeerIsClosed(t *testing.T) {
	const interval, timeout = 50 * time.Millisecond, 200 * time.Millisecond
	const wantErr = "keepalive: no answer to a PING within 200ms: the peer or the path to it is dead"
	for _, role := range roles() {
		t.Run(role.String()+"/reads but never acks", func(t *testing.T) {
			kc := newKeepaliveConn(t, role, Config{KeepaliveTime: interval, KeepaliveTimeout: timeout}, true)
			pinged := kc.p.waitKeepalivePing()
			// Read on (the Conn must not ping again meanwhile) until it hangs up.
			var after []rframe
			deadline := time.Now().Add(waitLimit)
			for {
				f, err := kc.p.read()
				if err != nil {
					require.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the Conn did not close the socket")
					break
				}
				after = append(after, f)
				require.True(t, time.Now().Before(deadline), "the Conn kept sending and never hung up: %v", after[:min(len(after), 5)])
			}
			require.GreaterOrEqual(t, time.Since(pinged), timeout*3/4, "closed before the timeout")
			for _, f := range after {
				require.NotEqual(t, http2.FramePing, f.typ, "a second PING while one is unanswered: %v", f)
			}
			requireKeepaliveClosed(t, kc, wantErr)
		})
		t.Run(role.String()+"/stops reading", func(t *testing.T) {
			kc := newKeepaliveConn(t, role, Config{KeepaliveTime: interval, KeepaliveTimeout: timeout}, true)
			waitConnDone(t, kc.c)
			requireKeepaliveClosed(t, kc, wantErr)
			// What the Conn sent before it hung up holds the PING.
			var sawPing bool
			for {
				f, err := kc.p.read()
				if err != nil {
					break
				}
				sawPing = sawPing || isKeepalivePing(f)
			}
			require.True(t, sawPing, "the Conn closed without sending a keepalive PING")
		})
	}
}

func requireKeepaliveClosed(t *testing.T, kc keepaliveConn, wantErr string) {
	t.Helper()
	waitConnDone(t, kc.c)
	require.EqualError(t, kc.c.Err(), wantErr)
	require.ErrorIs(t, kc.c.Err(), ErrKeepaliveTimeout)
	require.True(t, isClosed(kc.c.GoingAway()))
	evs := kc.s.TakeOver()
	require.NotEmpty(t, evs)
	last := evs[len(evs)-1]
	require.Equal(t, EventClosed, last.Kind, "%+v", evs)
	require.ErrorIs(t, last.Err, ErrKeepaliveTimeout, "the stream ends with the keepalive error")
	require.EqualError(t, last.Err, wantErr)
}

// TestKeepaliveDormantWithoutStreams: with no stream open and
// KeepalivePermitWithoutStream false, no PING goes out; the first stream
// that opens wakes keepalive, and the last one ending puts it back to
// sleep.
func TestKeepaliveDormantWithoutStreams(t *testing.T) {
	const interval = 50 * time.Millisecond
	for _, role := range roles() {
		t.Run(role.String(), func(t *testing.T) {
			cfg := Config{KeepaliveTime: interval, KeepaliveTimeout: 5 * time.Second}
			var kc keepaliveConn
			ch := make(chan acceptedStream, 4)
			if role == RoleClient {
				kc = newKeepaliveConn(t, role, cfg, false)
			} else {
				cfg.Accept = acceptInto(ch)
				c, p := acceptPeer(t, cfg)
				kc = keepaliveConn{c: c, p: p}
			}
			// The actor only goes dormant when the timer fires idle, one
			// interval in: by then it would have pinged.
			waitState(t, kc.c, "keepalive dormant")
			for _, f := range kc.p.pingBarrier() {
				require.False(t, f.typ == http2.FramePing && !f.ack(), "a PING without streams: %v", f)
			}

			if role == RoleClient {
				kc.s = open(t, kc.c, OpenRequest{Header: requestHeaders("/svc/m")})
			} else {
				kc.openFromPeer(t, ch, 1)
			}
			kc.p.waitKeepalivePing()
			require.NoError(t, kc.p.fr.WritePing(true, keepalivePing))

			kc.s.Release()
			waitState(t, kc.c, "keepalive dormant")
			require.False(t, isClosed(kc.c.GoingAway()))
		})
	}
}

func TestKeepalivePermitWithoutStream(t *testing.T) {
	for _, role := range roles() {
		t.Run(role.String(), func(t *testing.T) {
			cfg := Config{KeepaliveTime: 50 * time.Millisecond, KeepaliveTimeout: 5 * time.Second, KeepalivePermitWithoutStream: true}
			kc := newKeepaliveConn(t, role, cfg, false)
			for range 3 {
				kc.p.waitKeepalivePing()
				require.NoError(t, kc.p.fr.WritePing(true, keepalivePing))
			}
			require.False(t, isClosed(kc.c.GoingAway()))
		})
	}
}

func TestKeepaliveOffByDefault(t *testing.T) {
	c, _ := dialPeer(t, Config{})
	waitState(t, c, "keepalive off")
}
