// Package insecure provides credentials that do not secure the connection:
// gRPC runs over plaintext HTTP/2 (h2c). Use them only on trusted networks
// or in tests.
package insecure

import (
	"context"
	"net"

	"github.com/actorpc/actorpc/rpc/credentials"
)

// NewCredentials returns credentials whose handshakes return the connection
// unchanged.
func NewCredentials() credentials.TransportCredentials { return insecureCreds{} }

// insecureCreds are the plaintext credentials.
type insecureCreds struct{}

// ClientHandshake returns rawConn unchanged.
func (insecureCreds) ClientHandshake(_ context.Context, _ string, rawConn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return rawConn, authInfo{}, nil
}

// ServerHandshake returns rawConn unchanged.
func (insecureCreds) ServerHandshake(rawConn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return rawConn, authInfo{}, nil
}

// Info reports the security protocol "insecure".
func (insecureCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "insecure"}
}

// authInfo is the AuthInfo of a plaintext connection.
type authInfo struct{}

// AuthType returns "insecure".
func (authInfo) AuthType() string { return "insecure" }
