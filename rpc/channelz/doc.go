// Package channelz serves grpc.channelz.v1.Channelz (gRFC A14): the
// servers and channels of a process, their subchannels and sockets, with
// their states, call counts (started, succeeded, failed, last started),
// and per socket the streams, messages, keepalives and flow-control
// windows.
//
// Every figure comes from an actor's answer to a probe (actors.Info.Stats:
// rpc.ServerStats, rpc.ChannelStats, rpc.SubchannelStats,
// connactor.SocketStats): each actor counts its own facts in its loop and
// copies them out when asked, so nothing is counted twice and no counter
// is shared between goroutines. A server's or a channel's calls are the
// sum of what its live connections say plus what the connections that
// ended said last (their parents keep those totals).
//
// Finding entities: as grpc-go's, a Service lists every server and client
// channel of the process that is open. rpc adds each to a process-wide set
// as it is made and removes it as its actor ends (internal/live: a value
// resting in a one-slot channel, no goroutine, no lock); a Service takes
// the set's members on each call and walks their actor trees. Ids are int64, positive and handed out once per
// entity by the Service's registry, keyed by the entity's actor (the Ref
// its snapshot names), so an id stays the same for as long as the entity
// lives; the registry forgets an entity once its actor has ended, and an
// unknown id is NOT_FOUND. A subchannel or socket gets its id when a call
// first lists it (GetTopChannels, GetChannel, GetServerSockets, ...), as a
// client walks down from the top anyway. The registry has one owner at a
// time: it rests in a one-slot channel between calls (as the health
// service's state does), and a call takes it for as long as it works on
// it, bounded by the call's context. An idle Service holds no goroutine.
//
// Not kept: channel and subchannel traces (ChannelData.trace is absent),
// socket options, and the totals of a subchannel that the channel has
// removed (a channel's calls are then those of its current subchannels,
// plus the calls that failed before a pick). A channel counts attempts: a
// retried call counts once per attempt. A writer publishes its figures
// (messages sent, the send window) when it goes idle, or every 64
// flushes while busy, so a busy socket's may lag a little.
package channelz
