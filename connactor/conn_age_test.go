package connactor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// The timer's decisions, at chosen times.
func TestConnAgeCheck(t *testing.T) {
	t0 := time.Unix(1000, 0)
	t.Run("idle", func(t *testing.T) {
		c := &connAge{idleLimit: time.Minute, born: t0, idleSince: t0}
		require.Equal(t, ageWait, c.check(t0.Add(59*time.Second), 0))
		require.Equal(t, time.Second, c.next(t0.Add(59*time.Second), 0))
		require.Equal(t, ageWait, c.check(t0.Add(2*time.Minute), 1), "a stream is open")
		require.Equal(t, time.Minute, c.next(t0.Add(2*time.Minute), 1))
		c.noteStreamsEmpty(t0.Add(2 * time.Minute))
		require.Equal(t, ageWait, c.check(t0.Add(2*time.Minute+59*time.Second), 0), "idle counts from the last stream's end")
		require.Equal(t, ageIdle, c.check(t0.Add(3*time.Minute), 0))
		require.Equal(t, ageWait, c.check(t0.Add(10*time.Minute), 0), "once")
	})
	t.Run("age and grace", func(t *testing.T) {
		c := &connAge{ageLimit: time.Hour, grace: time.Minute, born: t0, idleSince: t0}
		require.Equal(t, ageWait, c.check(t0.Add(59*time.Minute), 3))
		require.Equal(t, ageOld, c.check(t0.Add(time.Hour), 3))
		require.Equal(t, time.Minute, c.next(t0.Add(time.Hour), 3))
		require.Equal(t, ageWait, c.check(t0.Add(time.Hour+59*time.Second), 3))
		require.Equal(t, ageGraceEnd, c.check(t0.Add(time.Hour+time.Minute), 3))
	})
	t.Run("no grace: the streams may take as long as they need", func(t *testing.T) {
		c := &connAge{ageLimit: time.Hour, born: t0, idleSince: t0}
		require.Equal(t, ageOld, c.check(t0.Add(time.Hour), 1))
		require.Equal(t, ageWait, c.check(t0.Add(100*time.Hour), 1))
		require.Equal(t, time.Duration(1<<63-1), c.next(t0.Add(time.Hour), 1))
	})
}

// An idle connection goes away gracefully after MaxConnectionIdle; one
// with a stream open does not.
func TestMaxConnectionIdle(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	cfg := serverConfig(ch)
	cfg.MaxConnectionIdle = 50 * time.Millisecond
	c, p := acceptPeer(t, cfg)
	p.headers(1, false, requestHeaders("/svc/long"))
	a := waitAccepted(t, ch)
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)

	// Several idle periods pass with the stream open: no GOAWAY. The
	// PINGs are the clock: each answer means the server handled all
	// before it.
	start := time.Now()
	for time.Since(start) < 4*cfg.MaxConnectionIdle {
		for _, f := range p.pingBarrier() {
			require.NotEqual(t, http2.FrameGoAway, f.typ, "GOAWAY while a stream is open")
		}
	}
	require.NoError(t, a.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	a.s.Release()

	f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, http2.ErrCodeNo, f.code)
	p.waitFor("the shutdown PING", func(f rframe) bool { return f.typ == http2.FramePing && !f.ack() })
	require.NoError(t, p.fr.WritePing(true, shutdownPing))
	f, _ = p.waitFor("the final GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(1), f.lastID)
	waitConnDone(t, c)
}

// An old connection goes away by the two GOAWAYs; a stream in flight has
// the grace to finish, and when the grace is over the connection closes
// anyway.
func TestMaxConnectionAgeAndGrace(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	cfg := serverConfig(ch)
	cfg.MaxConnectionAge = 50 * time.Millisecond
	cfg.MaxConnectionAgeGrace = 200 * time.Millisecond
	c, p := acceptPeer(t, cfg)
	p.headers(1, false, requestHeaders("/svc/finishes"))
	a1 := waitAccepted(t, ch)
	p.headers(3, false, requestHeaders("/svc/outlives"))
	a3 := waitAccepted(t, ch)

	f, _ := p.waitFor("the first GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, http2.ErrCodeNo, f.code)
	require.Equal(t, uint32(1<<31-1), f.lastID)
	p.waitFor("the shutdown PING", func(f rframe) bool { return f.typ == http2.FramePing && !f.ack() })
	require.NoError(t, p.fr.WritePing(true, shutdownPing))
	f, _ = p.waitFor("the final GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, uint32(3), f.lastID)

	// Stream 1 finishes within the grace.
	require.Equal(t, EventHeaders, nextEvent(t, a1.s).Kind)
	require.NoError(t, a1.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	a1.s.Release()

	// Stream 3 never does: the grace ends it.
	require.Equal(t, EventHeaders, nextEvent(t, a3.s).Kind)
	ev := nextEvent(t, a3.s)
	require.Equal(t, EventClosed, ev.Kind, "%+v", ev)
	require.ErrorContains(t, ev.Err, "max connection age")
	p.expectHangUp()
	waitConnDone(t, c)
}
