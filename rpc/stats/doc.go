// Package stats is grpc-go's stats.Handler contract: a hook told of every
// connection's beginning and end and of every call's events (begin, headers,
// payloads, trailers, end), with their sizes and times.
//
// Code written for google.golang.org/grpc/stats ports by changing the
// import. A handler is wired with rpc.StatsHandler on a server and
// rpc.WithStatsHandler on a client; several stack, called in the order given.
//
// A handler runs on the goroutine of the call it is told about (the caller's
// on a client, the handler's on a server), never in a connection's or
// channel's actor loop, so a slow handler slows its own call and no other.
// ConnBegin and ConnEnd run on the goroutine that sets the connection up or
// sees it end, not in its actor's loop either.
package stats
