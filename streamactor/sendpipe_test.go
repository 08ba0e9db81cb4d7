package streamactor

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// pipeDriver plays the writer for a sendPipe: it finishes writes in order
// and acknowledges those that asked.
type pipeDriver struct {
	t      *testing.T
	p      sendPipe
	dones  []chan<- error // of the writes not yet finished, oldest first
	asked  int
	closed chan struct{} // an abort that has fired
}

func newPipeDriver(t *testing.T) *pipeDriver {
	closed := make(chan struct{})
	close(closed)
	return &pipeDriver{t: t, p: newSendPipe(), closed: closed}
}

// send reports whether a write of n bytes could join the pipe without
// waiting, and sends it if so.
func (d *pipeDriver) send(n int) bool {
	d.t.Helper()
	failed, aborted := d.p.reserve(n, d.closed)
	require.NoError(d.t, failed)
	if aborted {
		return false
	}
	done := d.p.done(n)
	if done != nil {
		d.asked++
	}
	d.p.sent(n, done)
	d.dones = append(d.dones, done)
	return true
}

// finish finishes the oldest k writes, with err.
func (d *pipeDriver) finish(k int, err error) {
	for _, done := range d.dones[:k] {
		if done != nil {
			done <- err
		}
	}
	d.dones = d.dones[k:]
}

// Small writes ask for an acknowledgement once a quarter pipe, and the
// pipe holds pipeWrites of them.
func TestSendPipeAcknowledgesByGroup(t *testing.T) {
	d := newPipeDriver(t)
	for range pipeWrites {
		require.True(t, d.send(10))
	}
	require.Equal(t, pipeGroups, d.asked)
	require.False(t, d.send(10), "the pipe is full")

	d.finish(pipeWrites/pipeGroups, nil) // one group: one acknowledgement
	for range pipeWrites / pipeGroups {
		require.True(t, d.send(10))
	}
	require.False(t, d.send(10))
	d.finish(len(d.dones), nil)
	require.True(t, d.send(10))
}

// The pipe holds at most pipeBytes, and a write larger than that goes once
// no acknowledged write is in flight.
func TestSendPipeBoundsBytes(t *testing.T) {
	d := newPipeDriver(t)
	for range 3 {
		require.True(t, d.send(20<<10)) // each over a quarter: each asks
	}
	require.Equal(t, 3, d.asked)
	require.False(t, d.send(20<<10), "64 KiB in flight at most")
	d.finish(3, nil)
	require.True(t, d.send(1<<20), "a large message goes alone")
	require.False(t, d.send(10))
	d.finish(1, nil)
	require.True(t, d.send(10))
}

// A failed write reaches the sender at the acknowledgement of its group.
func TestSendPipeReportsFailure(t *testing.T) {
	d := newPipeDriver(t)
	for range pipeWrites {
		require.True(t, d.send(10))
	}
	boom := errors.New("stream reset")
	d.finish(pipeWrites/pipeGroups, boom)
	failed, aborted := d.p.reserve(10, d.closed)
	require.False(t, aborted)
	require.ErrorIs(t, failed, boom)
}
