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
	"fmt"
	"net"
)

// AuthInfo describes what a handshake established about the peer.
type AuthInfo interface {
	// AuthType names the kind of credentials, such as "tls" or "insecure".
	AuthType() string
}

// SecurityLevel is how well a connection is protected. A higher level
// implies the lower ones.
type SecurityLevel int

const (
	// InvalidSecurityLevel: the credentials do not say (the check is
	// skipped, as grpc-go does for credentials that predate levels).
	InvalidSecurityLevel SecurityLevel = iota
	// NoSecurity: plaintext.
	NoSecurity
	// IntegrityOnly: protected from tampering, readable.
	IntegrityOnly
	// PrivacyAndIntegrity: encrypted and protected from tampering (TLS).
	PrivacyAndIntegrity
)

// String names the level as grpc-go does.
func (s SecurityLevel) String() string {
	switch s {
	case InvalidSecurityLevel:
		return "InvalidSecurityLevel"
	case NoSecurity:
		return "NoSecurity"
	case IntegrityOnly:
		return "IntegrityOnly"
	case PrivacyAndIntegrity:
		return "PrivacyAndIntegrity"
	}
	return fmt.Sprintf("invalid SecurityLevel: %d", int(s))
}

// CommonAuthInfo is what every AuthInfo of this package's credentials
// embeds: the connection's security level.
type CommonAuthInfo struct {
	SecurityLevel SecurityLevel
}

// GetCommonAuthInfo returns c.
func (c CommonAuthInfo) GetCommonAuthInfo() CommonAuthInfo { return c }

// CheckSecurityLevel reports an error unless ai's connection is protected
// at level or better. An AuthInfo that tells no level (no
// GetCommonAuthInfo, or InvalidSecurityLevel) passes, as in grpc-go.
func CheckSecurityLevel(ai AuthInfo, level SecurityLevel) error {
	type internalInfo interface{ GetCommonAuthInfo() CommonAuthInfo }
	if ai == nil {
		return fmt.Errorf("credentials: AuthInfo is nil")
	}
	if ci, ok := ai.(internalInfo); ok {
		if got := ci.GetCommonAuthInfo().SecurityLevel; got != InvalidSecurityLevel && got < level {
			return fmt.Errorf("credentials: the connection's security level %s is below the required %s", got, level)
		}
	}
	return nil
}

// TLSInfo is the AuthInfo of a TLS connection; its level is
// PrivacyAndIntegrity. The peer's identity is in State.PeerCertificates
// (verified when the config asked for it, as mutual TLS does).
type TLSInfo struct {
	// State is the state of the connection after the handshake.
	State tls.ConnectionState
	CommonAuthInfo
}

// AuthType returns "tls".
func (TLSInfo) AuthType() string { return "tls" }

// ProtocolInfo describes the credentials.
type ProtocolInfo struct {
	// ProtocolVersion is the gRPC wire protocol version.
	//
	// Deprecated: as in grpc-go; unused.
	ProtocolVersion string
	// SecurityProtocol is "tls" or "insecure".
	SecurityProtocol string
	// SecurityVersion is the security protocol's version; left empty.
	//
	// Deprecated: as in grpc-go; it tells nothing of a connection.
	SecurityVersion string
	// ServerName is, for client credentials, the name the server
	// certificate is checked against, when set; otherwise the host of the
	// dialled authority is used.
	//
	// Deprecated: as in grpc-go; pass the name to the credentials'
	// constructor, or use rpc.WithAuthority.
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
	// Clone returns a copy, which changes to either do not affect.
	Clone() TransportCredentials
	// OverrideServerName makes client credentials check the server's
	// certificate against name instead of the dialled authority's host. It
	// changes the credentials in place: call it before they are in use.
	//
	// Deprecated: as in grpc-go; give the name to the constructor (e.g.
	// NewClientTLSFromCert's serverNameOverride) or use rpc.WithAuthority.
	OverrideServerName(name string) error
}
