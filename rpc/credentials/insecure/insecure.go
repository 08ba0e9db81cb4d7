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
	return rawConn, info, nil
}

// info is the AuthInfo of every plaintext connection.
var info = authInfo{credentials.CommonAuthInfo{SecurityLevel: credentials.NoSecurity}}

// ServerHandshake returns rawConn unchanged.
func (insecureCreds) ServerHandshake(rawConn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return rawConn, info, nil
}

// Info reports the security protocol "insecure".
func (insecureCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "insecure"}
}

// Clone returns the credentials: they have no state.
func (insecureCreds) Clone() credentials.TransportCredentials { return insecureCreds{} }

// OverrideServerName does nothing: no certificate is checked.
func (insecureCreds) OverrideServerName(string) error { return nil }

// authInfo is the AuthInfo of a plaintext connection: its security level
// is NoSecurity.
type authInfo struct {
	credentials.CommonAuthInfo
}

// AuthType returns "insecure".
func (authInfo) AuthType() string { return "insecure" }
