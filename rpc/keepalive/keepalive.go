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
