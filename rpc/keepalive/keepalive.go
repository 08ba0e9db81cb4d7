// Package keepalive configures the PINGs a client sends to find out that
// a connection died silently (a peer that vanished, a proxy or NAT that
// stopped forwarding), as gRPC's A8 design describes.
package keepalive

import "time"

// ClientParameters is how a client pings its connections.
type ClientParameters struct {
	// Time is how long a connection may stay silent (no frame received)
	// before the client sends a PING. Zero turns keepalive off.
	//
	// Servers police pings: grpc-go's default lets a client ping at most
	// every 5 minutes, and only with calls open, and answers a client that
	// pings more often with GOAWAY "too_many_pings". Agree with the server
	// before going lower. A subchannel sent away so doubles its Time for
	// its next connections (A8), so a too eager client settles on a rate
	// the server accepts.
	Time time.Duration
	// Timeout is how long the client waits, after its PING, for anything
	// from the peer before it closes the connection. Default 20 s.
	Timeout time.Duration
	// PermitWithoutStream lets the client ping a connection with no call
	// open (otherwise an idle connection is not pinged).
	PermitWithoutStream bool
}

// ServerParameters is how a server manages its connections (gRFC A9) and
// pings them (A8). The zero value of a field means its default.
type ServerParameters struct {
	// MaxConnectionIdle: a connection with no call open for this long is
	// closed gracefully (GOAWAY). Default: never.
	MaxConnectionIdle time.Duration
	// MaxConnectionAge: a connection this old is closed gracefully, so that
	// long-lived clients move to new backends now and then. A jitter of
	// ±10% spreads the reconnections. Default: never.
	MaxConnectionAge time.Duration
	// MaxConnectionAgeGrace is how long the calls in flight on a connection
	// closed for its age have, after which it is closed hard. Default:
	// for ever.
	MaxConnectionAgeGrace time.Duration
	// Time: after this long without any frame from the client, the server
	// pings it. Default 2 hours; at least 1 second.
	Time time.Duration
	// Timeout: after its ping, the server waits this long for anything
	// from the client, then closes the connection. Default 20 seconds.
	Timeout time.Duration
}

// EnforcementPolicy is how often a server lets its clients ping. A client
// that pings more often gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings"
// on its third ping in a row that breaks the policy (pings that follow
// data or headers the server sent are never held against it).
type EnforcementPolicy struct {
	// MinTime is the least time a client should wait between pings.
	// Default 5 minutes.
	MinTime time.Duration
	// PermitWithoutStream lets clients ping connections with no call open;
	// otherwise such pings count as too early (unless two hours apart).
	PermitWithoutStream bool
}
