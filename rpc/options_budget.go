package rpc

import (
	"time"

	"github.com/actorpc/actorpc/connactor"
)

// Server options that bound what one client can make the server hold.
// grpc-go has none of them: it holds whatever a client's windows let in and
// whatever its handlers queue behind a client that reads nothing (a client
// that sets SETTINGS_INITIAL_WINDOW_SIZE 0, opens 100 calls with 3.2 MiB
// requests and never reads grows either server by hundreds of megabytes).
// The names say what they bound, so that nobody takes them for a grpc-go
// option.

// ConnectionMemoryBudget bounds the message bytes one connection holds for
// its client: requests received and not yet released (a unary or
// server-streaming handler holds its request until it returns; a streaming
// one releases each request as it receives it), plus responses queued
// behind a client that does not read. While a connection is over its
// budget it grants the client no more flow-control window and refuses new
// streams with REFUSED_STREAM (a client retries those), and handlers wait
// in Send; it recovers as handlers return and the client reads. Default
// 16 MiB, room for a dozen calls of a megabyte at once. Zero keeps the
// default; a negative value turns the budget off. A connection's budget is
// never less than twice MaxRecvMsgSize, so that a request as large as the
// server accepts always fits (a budget smaller than one request would shed
// the very stream it waits for).
func ConnectionMemoryBudget(bytes int64) ServerOption {
	return func(o *serverOptions) { o.memoryBudget = bytes }
}

// connMemoryBudget is the budget each connection gets (see
// ConnectionMemoryBudget).
func (o *serverOptions) connMemoryBudget() int64 {
	budget := o.memoryBudget
	if budget < 0 {
		return budget
	}
	if budget == 0 {
		budget = connactor.DefaultMemoryBudget
	}
	return max(budget, 2*int64(o.maxRecvMsgSize))
}

// StreamStallTimeout resets a call (RST_STREAM CANCEL; the handler's
// context ends) whose responses have waited this long without the client
// granting any flow-control window for them: a client that stops reading
// cannot park a handler and its memory for ever. Default 5 minutes. Zero
// keeps the default; a negative value waits for ever.
func StreamStallTimeout(d time.Duration) ServerOption {
	return func(o *serverOptions) { o.stallTimeout = d }
}

// ConnectionStallTimeout closes a connection (GOAWAY ENHANCE_YOUR_CALM)
// whose responses have waited this long behind a connection-level window
// the client never grows. Default 5 minutes. Zero keeps the default; a
// negative value waits for ever.
func ConnectionStallTimeout(d time.Duration) ServerOption {
	return func(o *serverOptions) { o.connStallTimeout = d }
}
