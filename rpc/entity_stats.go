package rpc

import (
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
)

// The typed snapshots the server, channel and subchannel actors give
// with their probe answers (actors.Info.Stats), read by rpc/channelz and
// the debug page. Each is a copy the actor made for the answer; the
// fields are plain so that they encode as JSON. Call counts are not kept
// here for live connections: each connection's connactor.SocketStats has
// its own, and a reader sums the tree. What a parent keeps is only what
// would otherwise be lost: the totals of its connections that ended.

// CallCounts are calls started, succeeded (status OK) and failed, and
// when the last one started.
type CallCounts struct {
	Started, Succeeded, Failed int64
	LastStarted                time.Time
}

// AddSocket adds what a connection counted: each stream is a call.
func (c *CallCounts) AddSocket(st connactor.SocketStats) {
	c.Started += st.StreamsStarted
	c.Succeeded += st.CallsSucceeded
	c.Failed += st.CallsFailed
	last := st.LastRemoteStreamCreated
	if st.LastLocalStreamCreated.After(last) {
		last = st.LastLocalStreamCreated
	}
	if last.After(c.LastStarted) {
		c.LastStarted = last
	}
}

// ServerStats is the server actor's snapshot (the root of Server.Inspect).
type ServerStats struct {
	Ref       *actors.Ref `json:"-"` // the server actor: a stable identity for channelz
	Listeners []ListenAddr
	// Ended is what the server's connections that have ended did; add
	// each live connection's SocketStats for the server's totals.
	Ended CallCounts
}

// ListenAddr is a listener's address.
type ListenAddr struct{ Network, Addr string }

// ChannelStats is the channel actor's snapshot (the root of
// ClientConn.Inspect).
type ChannelStats struct {
	Ref    *actors.Ref `json:"-"`
	Target string
	State  string // connectivity.State's name: IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN
	// FailedBeforePick counts the calls that failed before a connection
	// was picked for them (the channel failing, a deadline while waiting):
	// started and failed on the channel, on none of its subchannels.
	FailedBeforePick int64
}

// SubchannelStats is a subchannel actor's snapshot.
type SubchannelStats struct {
	Ref   *actors.Ref `json:"-"`
	Addr  string
	State string
	// Ended is what the subchannel's connections that have ended did.
	Ended CallCounts
}

// serverStats is the server actor's snapshot for a probe.
func (a *serverActor) serverStats() ServerStats {
	st := ServerStats{Ref: a.s.ref, Ended: a.ended}
	for lis := range a.core.listeners {
		st.Listeners = append(st.Listeners, ListenAddr{Network: lis.Addr().Network(), Addr: lis.Addr().String()})
	}
	return st
}

// connGone adds an ended connection's last figures to the totals.
func (c *CallCounts) connGone(conn *connactor.Conn) {
	if st, ok := conn.FinalStats(); ok {
		c.AddSocket(st)
	}
}
