package credentials

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
)

// alpnH2 is the ALPN protocol ID of HTTP/2 over TLS.
const alpnH2 = "h2"

// errServerNoH2 and errClientNoH2 are wrapped by the errors of handshakes
// whose peer did not negotiate HTTP/2 over TLS.
var (
	errServerNoH2 = errors.New("server does not support HTTP/2 over TLS (ALPN h2)")
	errClientNoH2 = errors.New("client does not support HTTP/2 over TLS (ALPN h2)")
)

// noApplicationProtocol is the text of the TLS alert no_application_protocol
// (RFC 7301), which a server sends when it shares no ALPN protocol with the
// client. crypto/tls reports a received alert only through an unexported
// type, so it is recognised by its text.
var noApplicationProtocol = tls.AlertError(120).Error()

// tlsCreds are TLS transport credentials. config is never modified after
// NewTLS, so one value can serve concurrent handshakes.
type tlsCreds struct {
	config *tls.Config
}

// NewTLS returns TLS credentials built on a clone of c (nil means an empty
// config). The clone offers ALPN "h2" (appended to NextProtos when missing),
// requires at least TLS 1.2 and, when c names no cipher suites, allows only
// the ECDHE AEAD suites HTTP/2 permits. c itself is not modified.
func NewTLS(c *tls.Config) TransportCredentials {
	var cfg *tls.Config
	if c == nil {
		cfg = &tls.Config{}
	} else {
		cfg = c.Clone()
	}
	if !slices.Contains(cfg.NextProtos, alpnH2) {
		// A fresh slice, so that the caller's backing array is left alone.
		cfg.NextProtos = append(slices.Clone(cfg.NextProtos), alpnH2)
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if cfg.CipherSuites == nil {
		cfg.CipherSuites = http2CipherSuites()
	}
	return &tlsCreds{config: cfg}
}

// Clone returns credentials with a clone of the config.
func (c *tlsCreds) Clone() TransportCredentials { return &tlsCreds{config: c.config.Clone()} }

// OverrideServerName sets the name the server certificate is checked
// against (and the SNI sent). Not safe while handshakes run, as in grpc-go.
func (c *tlsCreds) OverrideServerName(name string) error {
	c.config.ServerName = name
	return nil
}

// http2CipherSuites lists the secure TLS 1.2 cipher suites that HTTP/2 does
// not forbid (RFC 9113, appendix A): ephemeral key exchange with an AEAD.
// TLS 1.3 suites are not configurable and need no filtering.
func http2CipherSuites() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		if strings.HasPrefix(s.Name, "TLS_ECDHE_") && !strings.Contains(s.Name, "_CBC_") &&
			slices.Contains(s.SupportedVersions, tls.VersionTLS12) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// NewClientTLSFromCert returns client credentials that trust the
// certificates in cp (nil means the host's root CAs). A non-empty
// serverNameOverride is the name the server certificate is checked against
// and the SNI sent, instead of the host of the dialled authority.
func NewClientTLSFromCert(cp *x509.CertPool, serverNameOverride string) TransportCredentials {
	return NewTLS(&tls.Config{ServerName: serverNameOverride, RootCAs: cp})
}

// NewClientTLSFromFile is NewClientTLSFromCert with the trusted certificates
// read from the PEM file certFile.
func NewClientTLSFromFile(certFile, serverNameOverride string) (TransportCredentials, error) {
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("credentials: reading CA certificates: %w", err)
	}
	cp := x509.NewCertPool()
	if !cp.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("credentials: no PEM certificates found in %s", certFile)
	}
	return NewClientTLSFromCert(cp, serverNameOverride), nil
}

// NewServerTLSFromCert returns server credentials that present cert.
func NewServerTLSFromCert(cert *tls.Certificate) TransportCredentials {
	return NewTLS(&tls.Config{Certificates: []tls.Certificate{*cert}})
}

// NewServerTLSFromFile returns server credentials that present the
// certificate chain in the PEM file certFile, with the private key in the
// PEM file keyFile.
func NewServerTLSFromFile(certFile, keyFile string) (TransportCredentials, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("credentials: loading key pair: %w", err)
	}
	return NewServerTLSFromCert(&cert), nil
}

// Info reports "tls" and the configured server name, if any.
func (c *tlsCreds) Info() ProtocolInfo {
	return ProtocolInfo{SecurityProtocol: "tls", ServerName: c.config.ServerName}
}

// ClientHandshake runs the TLS client handshake on rawConn. The server
// certificate is checked against the configured server name or, when there
// is none, the host of authority. The server must select ALPN "h2".
func (c *tlsCreds) ClientHandshake(ctx context.Context, authority string, rawConn net.Conn) (net.Conn, AuthInfo, error) {
	cfg := c.config
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = hostOf(authority)
	}
	conn := tls.Client(rawConn, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		conn.Close()
		if isNoApplicationProtocol(err) {
			return nil, nil, fmt.Errorf("tls handshake with %s: %w: %w", authority, errServerNoH2, err)
		}
		return nil, nil, fmt.Errorf("tls handshake with %s: %w", authority, err)
	}
	state := conn.ConnectionState()
	if state.NegotiatedProtocol != alpnH2 {
		conn.Close()
		return nil, nil, fmt.Errorf("tls handshake with %s: %w (negotiated %q)", authority, errServerNoH2, state.NegotiatedProtocol)
	}
	return conn, tlsInfo(state), nil
}

// tlsInfo is the AuthInfo of a TLS connection in state.
func tlsInfo(state tls.ConnectionState) TLSInfo {
	return TLSInfo{State: state, CommonAuthInfo: CommonAuthInfo{SecurityLevel: PrivacyAndIntegrity}}
}

// ServerHandshake runs the TLS server handshake on rawConn. The client must
// offer ALPN "h2".
func (c *tlsCreds) ServerHandshake(rawConn net.Conn) (net.Conn, AuthInfo, error) {
	conn := tls.Server(rawConn, c.config)
	if err := conn.Handshake(); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("tls handshake with %s: %w", remoteOf(rawConn), err)
	}
	state := conn.ConnectionState()
	if state.NegotiatedProtocol != alpnH2 {
		conn.Close()
		return nil, nil, fmt.Errorf("tls handshake with %s: %w (negotiated %q)", remoteOf(rawConn), errClientNoH2, state.NegotiatedProtocol)
	}
	return conn, tlsInfo(state), nil
}

// hostOf returns the host part of authority: the port is stripped, and so
// are the brackets of an IPv6 literal. An authority that is not host:port
// is taken as a host.
func hostOf(authority string) string {
	if host, _, err := net.SplitHostPort(authority); err == nil {
		return host
	}
	if len(authority) >= 2 && authority[0] == '[' && authority[len(authority)-1] == ']' {
		return authority[1 : len(authority)-1]
	}
	return authority
}

// remoteOf names the peer of conn for error messages.
func remoteOf(conn net.Conn) string {
	if a := conn.RemoteAddr(); a != nil {
		return a.String()
	}
	return "peer"
}

// isNoApplicationProtocol reports whether err is the receipt of the TLS
// alert no_application_protocol.
func isNoApplicationProtocol(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error" && op.Err != nil &&
		op.Err.Error() == noApplicationProtocol
}
