package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The stream actors park without the connection's Done while they are
// not waiting for a Flush (streamactor's receiver.connDone). That is safe
// because of what these tests check: the connection's end reaches a
// stream's channel as EventClosed unless a spill is held, and a held
// spill is always announced by a flagged event in the channel.

func TestConnEndReachesTheChannelWithoutSpill(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	p.pingBarrier()
	require.NoError(t, p.nc.Close())
	waitConnDone(t, c)

	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.False(t, ev.Flush)
	ev = nextEvent(t, s)
	require.Equal(t, EventClosed, ev.Kind, "the end came through the channel")
	require.Empty(t, s.TakeOver(), "nothing was held back")
	s.Release()
}

func TestSpillIsAnnouncedByAFlaggedEvent(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	for range 5 {
		p.data(s.ID, false, []byte("0123456789"))
	}
	p.pingBarrier()
	require.NoError(t, p.nc.Close())
	waitConnDone(t, c)

	// Nothing was read: the channel is full, and its last event says
	// that more waits; the connection's end is in what it held.
	var got []Event
	for range eventCapacity {
		got = append(got, <-s.Events())
	}
	for _, ev := range got[:eventCapacity-1] {
		require.False(t, ev.Flush, "%+v", ev)
	}
	require.True(t, got[eventCapacity-1].Flush, "the event in the last slot announces the spill")
	rest := s.TakeOver()
	require.NotEmpty(t, rest)
	require.Equal(t, EventClosed, rest[len(rest)-1].Kind)
	s.Release()
}
