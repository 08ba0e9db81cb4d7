package connactor

import (
	"errors"
	"log/slog"
	"time"

	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/actors"
)

// Role says which end of the connection this is.
type Role uint8

const (
	RoleClient Role = iota
	RoleServer
)

func (r Role) String() string {
	if r == RoleServer {
		return "server"
	}
	return "client"
}

const (
	defaultWindow   = 65535     // RFC 9113 6.9.2: every window starts here
	maxWindow       = 1<<31 - 1 // RFC 9113 6.9.1
	minMaxFrameSize = 16384     // RFC 9113 4.2
	maxMaxFrameSize = 1<<24 - 1 // RFC 9113 6.5.2
	clientPreface   = http2.ClientPreface
)

const (
	// DefaultMemoryBudget is Config.MemoryBudget's default: room for a
	// dozen calls of a megabyte at once (the bench's largest runs 8),
	// while a peer that reads nothing grows the server by a bounded few
	// tens of megabytes per connection.
	DefaultMemoryBudget = 16 << 20
	// DefaultStallTimeout is the default of Config.StallTimeout and
	// Config.ConnStallTimeout: far longer than any reader pauses for a
	// reason, short enough that a peer cannot park streams for ever.
	DefaultStallTimeout = 5 * time.Minute
)

// Config is how a connection behaves; the zero value of each field means
// its default.
type Config struct {
	Role Role
	// Name is used in the connection's actor name and its errors.
	Name string
	// MaxConcurrentStreams is how many streams the peer may open on us
	// (server role). Default 1000. Beyond it a stream is refused.
	MaxConcurrentStreams uint32
	// StreamWindow is the receive window of each stream. Default 1 MiB.
	StreamWindow uint32
	// ConnWindow is the receive window of the connection. Default 4 MiB.
	ConnWindow uint32
	// StaticWindows keeps the receive windows at StreamWindow and
	// ConnWindow. Otherwise (the default, as in grpc-go) they grow to the
	// bandwidth-delay product the connection measures with PINGs, up to
	// 16 MiB and, server role, the MemoryBudget (bdp.go).
	StaticWindows bool
	// MaxFrameSize is the largest frame we accept. Default 16 KiB.
	MaxFrameSize uint32
	// MaxHeaderListSize is the largest header list we accept. Default 64 KiB.
	MaxHeaderListSize uint32
	// HandshakeTimeout bounds the preface and SETTINGS exchange. Default 20 s.
	HandshakeTimeout time.Duration
	// WriteTimeout is how long the socket may accept none of what we have
	// to send before the connection is declared dead: a peer that stops
	// reading cannot hold our writer, and through it every stream, for
	// ever. Default 30 s.
	WriteTimeout time.Duration
	// KeepaliveTime turns keepalive on (gRPC's A8 design, with grpc-go's
	// keepalive.ClientParameters semantics, in either role): when no frame
	// at all has arrived for this long, the connection sends a PING, so
	// that a peer or a path that died silently (a NAT that dropped the
	// mapping, a host that vanished without a FIN) is found before a call
	// waits on it. Zero or less: off. No minimum is enforced here; the
	// layer above chooses (a grpc-go server by default tolerates one ping
	// every 5 minutes and answers more with GOAWAY ENHANCE_YOUR_CALM
	// "too_many_pings").
	KeepaliveTime time.Duration
	// KeepaliveTimeout is how long after a keepalive PING the connection
	// waits for a frame (any frame: the ACK, or anything else that proves
	// the peer is there) before it closes with ErrKeepaliveTimeout, which
	// every stream on it ends with. Zero or less: 20 s. Only used when
	// KeepaliveTime is on.
	KeepaliveTimeout time.Duration
	// KeepalivePermitWithoutStream lets keepalive PINGs go out while no
	// stream is open. When false (the default) an idle connection sends
	// none, which spares idle peers the traffic; the first stream that
	// opens wakes keepalive again.
	KeepalivePermitWithoutStream bool
	// MaxConnectionIdle (server role): a connection with no stream open
	// for this long is closed gracefully (GOAWAY). Zero: never.
	MaxConnectionIdle time.Duration
	// MaxConnectionAge (server role): a connection this old is closed
	// gracefully, by the two-GOAWAY sequence of graceful.go; the streams
	// in flight get MaxConnectionAgeGrace more, then the connection is
	// closed hard. Zero: never. The layer above adds the jitter.
	MaxConnectionAge      time.Duration
	MaxConnectionAgeGrace time.Duration
	// PingPolicy (server role), if set, polices the client's PINGs as
	// grpc-go's keepalive.EnforcementPolicy does (see pingPolicy). Nil: any
	// rate is answered.
	PingPolicy *PingPolicy
	// Accept is called on the connection actor's goroutine for each stream
	// the peer opens (server role). It must not block: it spawns the
	// stream's own actor, whose first event is the request headers, and
	// returns it (or nil). The connection lists that actor as its child in
	// Inspect, and stops it (cancels its context) when the stream is reset
	// or the connection ends, so that a handler busy in user code learns
	// of it.
	Accept func(s *Stream) *actors.Ref
	// Ended, if set, is called on the connection actor's goroutine once
	// the connection has ended, just before Done closes, so that its owner
	// learns of it without a goroutine of its own waiting on Done. It must
	// not block for long: it forwards the news into its owner's mailbox.
	Ended func(c *Conn)
	// AuthInfo is what the security handshake run before HTTP/2's told of
	// the peer (package rpc keeps a credentials.AuthInfo here). The
	// connection does not look at it; Conn.AuthInfo returns it.
	AuthInfo any
	// MemoryBudget bounds the message bytes the connection holds for its
	// peer (server role): request DATA delivered and not yet released by
	// the application, plus responses queued behind the peer's windows.
	// Over it, the connection grants no connection window and refuses new
	// streams (budget.go). Default 16 MiB; negative: no budget.
	MemoryBudget int64
	// StallTimeout resets a stream (server role) whose response data has
	// waited this long without the peer granting window for any of it.
	// Default 5 minutes; negative: never.
	StallTimeout time.Duration
	// ConnStallTimeout ends a connection (server role) whose data has
	// waited this long behind a connection window the peer never grows.
	// Default 5 minutes; negative: never.
	ConnStallTimeout time.Duration
	// Logger is told of the connection's rare events (log.go): connected,
	// a failed handshake, GOAWAY sent or received, a keepalive failure, a
	// reset for a protocol violation, a panic. Nil: nothing is logged.
	Logger *slog.Logger
}

// PingPolicy is how often a client may ping a server connection.
type PingPolicy struct {
	// MinTime is the least time between two PINGs.
	MinTime time.Duration
	// PermitWithoutStream allows PINGs while no stream is open; without
	// it such a PING counts as too early unless two hours passed since the
	// last one (grpc-go's rule).
	PermitWithoutStream bool
}

func (c Config) withDefaults() Config {
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = 1000
	}
	if c.StreamWindow == 0 {
		c.StreamWindow = 1 << 20
	}
	if c.ConnWindow == 0 {
		c.ConnWindow = 4 << 20
	}
	// The connection window starts at 65535 and can only grow (RFC 9113
	// 6.9.2); a stream window under 64 KiB would stall the 16 KiB batches
	// in which streams report what they consumed.
	c.ConnWindow = max(c.ConnWindow, defaultWindow)
	c.StreamWindow = max(c.StreamWindow, defaultWindow)
	if c.MaxFrameSize == 0 {
		c.MaxFrameSize = minMaxFrameSize
	}
	if c.MaxHeaderListSize == 0 {
		c.MaxHeaderListSize = 64 << 10
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = 20 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.KeepaliveTimeout <= 0 {
		c.KeepaliveTimeout = 20 * time.Second
	}
	if c.MemoryBudget == 0 {
		c.MemoryBudget = DefaultMemoryBudget
	}
	if c.StallTimeout == 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.ConnStallTimeout == 0 {
		c.ConnStallTimeout = DefaultStallTimeout
	}
	if c.Name == "" {
		c.Name = c.Role.String()
	}
	return c
}

// settings is the SETTINGS frame we open with.
func (c Config) settings() []http2.Setting {
	s := []http2.Setting{
		{ID: http2.SettingInitialWindowSize, Val: c.StreamWindow},
		{ID: http2.SettingMaxFrameSize, Val: c.MaxFrameSize},
		{ID: http2.SettingMaxHeaderListSize, Val: c.MaxHeaderListSize},
	}
	if c.Role == RoleServer {
		s = append(s, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: c.MaxConcurrentStreams})
	} else {
		s = append(s, http2.Setting{ID: http2.SettingEnablePush, Val: 0})
	}
	return s
}

var (
	// ErrConnClosed is the reason given to streams when the connection
	// ended without a more precise one.
	ErrConnClosed = errors.New("connection closed")
	// ErrGoingAway is returned by Open once the connection is draining.
	ErrGoingAway = errors.New("connection is going away")
	// ErrKeepaliveTimeout is why a connection ended when keepalive found
	// its peer silent (Config.KeepaliveTime); the error carries the timeout.
	ErrKeepaliveTimeout = errors.New("keepalive: no answer to a PING")
)
