package stats

import (
	"net"
	"time"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// RPCStats is one event of a call: *Begin, *InHeader, *InPayload,
// *InTrailer, *OutHeader, *OutPayload, *OutTrailer or *End.
type RPCStats interface {
	isRPCStats()
	// IsClient reports whether the event happened on the client side.
	IsClient() bool
}

// Begin is the start of a call on a server, or of one attempt of a call on
// a client.
type Begin struct {
	// Client is true on the client side.
	Client bool
	// BeginTime is when the call (attempt) began.
	BeginTime time.Time
	// FailFast is false when the call waits for a ready connection.
	FailFast bool
	// IsClientStream is true when the client sends a stream of messages.
	IsClientStream bool
	// IsServerStream is true when the server sends a stream of messages.
	IsServerStream bool
	// IsTransparentRetryAttempt is true when this attempt is a transparent
	// retry: the earlier one never reached the server's application.
	IsTransparentRetryAttempt bool
}

// IsClient reports whether the event happened on the client side.
func (s *Begin) IsClient() bool { return s.Client }
func (s *Begin) isRPCStats()    {}

// InPayload is a message received.
type InPayload struct {
	// Client is true on the client side.
	Client bool
	// Payload is the message, decoded.
	Payload any
	// Length is the message's size, uncompressed.
	Length int
	// CompressedLength is the message's size as sent: compressed when it
	// was, else Length.
	CompressedLength int
	// WireLength is CompressedLength plus the 5-byte gRPC message prefix.
	WireLength int
	// RecvTime is when the message was received.
	RecvTime time.Time
}

// IsClient reports whether the event happened on the client side.
func (s *InPayload) IsClient() bool { return s.Client }
func (s *InPayload) isRPCStats()    {}

// InHeader is the headers received.
type InHeader struct {
	// Client is true on the client side.
	Client bool
	// WireLength is the size of the headers as received (HPACK-encoded),
	// when known.
	WireLength int
	// Compression is the grpc-encoding the peer announced.
	Compression string
	// Header is the headers' metadata.
	Header metadata.MD
	// FullMethod is the call's method. Only on a server.
	FullMethod string
	// RemoteAddr is the peer's address. Only on a server.
	RemoteAddr net.Addr
	// LocalAddr is this end's address. Only on a server.
	LocalAddr net.Addr
}

// IsClient reports whether the event happened on the client side.
func (s *InHeader) IsClient() bool { return s.Client }
func (s *InHeader) isRPCStats()    {}

// InTrailer is the trailers received. Only on a client.
type InTrailer struct {
	// Client is true on the client side.
	Client bool
	// WireLength is the size of the trailers as received, when known.
	WireLength int
	// Trailer is the trailers' metadata.
	Trailer metadata.MD
}

// IsClient reports whether the event happened on the client side.
func (s *InTrailer) IsClient() bool { return s.Client }
func (s *InTrailer) isRPCStats()    {}

// OutPayload is a message sent.
type OutPayload struct {
	// Client is true on the client side.
	Client bool
	// Payload is the message, before encoding.
	Payload any
	// Length is the message's size, uncompressed.
	Length int
	// CompressedLength is the message's size as sent: compressed when it
	// was, else Length.
	CompressedLength int
	// WireLength is CompressedLength plus the 5-byte gRPC message prefix.
	WireLength int
	// SentTime is when the message was sent.
	SentTime time.Time
}

// IsClient reports whether the event happened on the client side.
func (s *OutPayload) IsClient() bool { return s.Client }
func (s *OutPayload) isRPCStats()    {}

// OutHeader is the headers sent.
type OutHeader struct {
	// Client is true on the client side.
	Client bool
	// Compression is the grpc-encoding this end announced.
	Compression string
	// Header is the headers' metadata.
	Header metadata.MD
	// FullMethod is the call's method. Only on a client.
	FullMethod string
	// RemoteAddr is the peer's address. Only on a client.
	RemoteAddr net.Addr
	// LocalAddr is this end's address. Only on a client.
	LocalAddr net.Addr
}

// IsClient reports whether the event happened on the client side.
func (s *OutHeader) IsClient() bool { return s.Client }
func (s *OutHeader) isRPCStats()    {}

// OutTrailer is the trailers sent. Only on a server.
type OutTrailer struct {
	// Client is true on the client side.
	Client bool
	// Trailer is the trailers' metadata.
	Trailer metadata.MD
}

// IsClient reports whether the event happened on the client side.
func (s *OutTrailer) IsClient() bool { return s.Client }
func (s *OutTrailer) isRPCStats()    {}

// End is the end of a call on a server, or of one attempt on a client.
type End struct {
	// Client is true on the client side.
	Client bool
	// BeginTime is when the call (attempt) began.
	BeginTime time.Time
	// EndTime is when it ended.
	EndTime time.Time
	// Trailer is the trailers' metadata (on a client, as received).
	Trailer metadata.MD
	// Error is the call's error: nil on success, else an error that
	// status.FromError reads.
	Error error
}

// IsClient reports whether the event happened on the client side.
func (s *End) IsClient() bool { return s.Client }
func (s *End) isRPCStats()    {}

// ConnStats is a connection's event: *ConnBegin or *ConnEnd.
type ConnStats interface {
	isConnStats()
	// IsClient reports whether the connection is a client's.
	IsClient() bool
}

// ConnBegin is a connection established (after its handshakes).
type ConnBegin struct {
	// Client is true on the client side.
	Client bool
}

// IsClient reports whether the connection is a client's.
func (s *ConnBegin) IsClient() bool { return s.Client }
func (s *ConnBegin) isConnStats()   {}

// ConnEnd is a connection ended.
type ConnEnd struct {
	// Client is true on the client side.
	Client bool
}

// IsClient reports whether the connection is a client's.
func (s *ConnEnd) IsClient() bool { return s.Client }
func (s *ConnEnd) isConnStats()   {}
