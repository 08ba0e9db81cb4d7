// Package credentials secures the connections of actorpc clients and
// servers. A TransportCredentials performs the handshake on a freshly dialled
// or accepted connection and reports what it learnt about the peer as an
// AuthInfo.
//
// The TLS credentials follow the rules of HTTP/2 over TLS (RFC 9113, section
// 9.2) and of grpc-go's credentials package: at least TLS 1.2, HTTP/2-safe
// cipher suites, and ALPN "h2" required on both sides. A peer that does not
// negotiate "h2" is refused; there is never a fallback to plaintext or to
// HTTP/1.1.
package credentials

import (
	"context"
	"crypto/tls"
	"net"
)

// AuthInfo describes what a handshake established about the peer.
type AuthInfo interface {
	// AuthType names the kind of credentials, such as "tls" or "insecure".
	AuthType() string
}

// TLSInfo is the AuthInfo of a TLS connection.
type TLSInfo struct {
	// State is the state of the connection after the handshake.
	State tls.ConnectionState
}

// AuthType returns "tls".
func (TLSInfo) AuthType() string { return "tls" }

// ProtocolInfo describes the credentials.
type ProtocolInfo struct {
	// SecurityProtocol is "tls" or "insecure".
	SecurityProtocol string
	// ServerName is, for client credentials, the name the server
	// certificate is checked against, when set; otherwise the host of the
	// dialled authority is used.
	ServerName string
}

// TransportCredentials secures connections.
//
// Implementations are safe for concurrent use: one value serves every
// connection of a client or a server.
type TransportCredentials interface {
	// ClientHandshake secures rawConn, dialled to authority ("host:port"),
	// bounded by ctx. On failure rawConn is closed.
	ClientHandshake(ctx context.Context, authority string, rawConn net.Conn) (net.Conn, AuthInfo, error)
	// ServerHandshake secures an accepted rawConn; the caller bounds it with
	// a deadline on rawConn. On failure rawConn is closed.
	ServerHandshake(rawConn net.Conn) (net.Conn, AuthInfo, error)
	// Info describes the credentials.
	Info() ProtocolInfo
}
