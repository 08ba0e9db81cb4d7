package connactor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The connection's stall clock: data waiting behind a spent connection
// window is a stall only if none of it moves for the bound. A peer that
// grants a little at a time, spent at once, keeps it moving.
func TestWriterConnStallClock(t *testing.T) {
	const bound = time.Second
	t0 := time.Unix(1000, 0)
	check := func(w *writer, at time.Duration) stallReport {
		t.Helper()
		w.checkStalls(t0.Add(at), 0, bound)
		return (<-w.reports).(stallReport)
	}
	setup := func() *writer {
		w := testWriter(t)
		w.testHandle(t, writerOp{kind: opAnnounce, streamID: 1})
		w.connWindow = 0
		w.testHandle(t, writerOp{kind: opWrite, write: Write{StreamID: 1, Data: make([]byte, 64<<10)}})
		require.Positive(t, w.budget.queued)
		return w
	}

	t.Run("nothing moves: a stall after the bound", func(t *testing.T) {
		w := setup()
		require.False(t, check(w, 0).conn)
		require.False(t, check(w, bound).conn, "not over the bound yet")
		require.True(t, check(w, bound+time.Millisecond).conn)
	})
	t.Run("a grant spent at once between checks: no stall", func(t *testing.T) {
		w := setup()
		for i := range 10 {
			require.False(t, check(w, time.Duration(i)*bound/2).conn, "check %d", i)
			w.testHandle(t, writerOp{kind: opPeerWindow, incr: 1024})
			for len(w.runnable) > 0 && w.connWindow > 0 { // as the writer's loop does
				w.serveRunnable()
			}
			require.LessOrEqual(t, w.connWindow, int64(0), "the grant was spent")
		}
	})
}
