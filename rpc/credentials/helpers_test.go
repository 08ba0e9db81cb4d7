package credentials

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testServerName is the DNS name in the test server certificate, which
// also holds the IP address 127.0.0.1.
const testServerName = "foo.test.example"

// testPKI is a CA and a server certificate it signed, generated at test
// time.
type testPKI struct {
	pool       *x509.CertPool    // trusts the CA
	caPEM      []byte            // the CA certificate
	leaf       *x509.Certificate // the server certificate
	serverCert tls.Certificate   // the server certificate with its key
	certPEM    []byte            // the server certificate
	keyPEM     []byte            // the server key
}

// newPKI generates a fresh CA (ECDSA P-256) and a server certificate for
// testServerName and 127.0.0.1.
func newPKI(t *testing.T) *testPKI {
	t.Helper()
	now := time.Now()

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "actorpc test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: testServerName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{testServerName},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &testPKI{
		pool:       pool,
		caPEM:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		leaf:       leaf,
		serverCert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		certPEM:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
}

// startServer listens on loopback TCP and runs handle on every accepted
// connection, each in its own goroutine, closing the connection when handle
// returns. At the end of the test the listener is closed and every goroutine
// is waited for; handlers must return once their client has gone.
func startServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// dial connects to addr over TCP; the connection is closed at the end of
// the test (before the server is stopped).
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// handshakeResult is what a server handshake produced.
type handshakeResult struct {
	conn net.Conn
	info AuthInfo
	err  error
}

// serveCreds returns a handler that runs creds' server handshake, reports
// it on results and, when it succeeded, echoes until the client closes.
func serveCreds(creds TransportCredentials, results chan<- handshakeResult) func(net.Conn) {
	return func(c net.Conn) {
		conn, info, err := creds.ServerHandshake(c)
		results <- handshakeResult{conn, info, err}
		if err != nil {
			return
		}
		buf := make([]byte, 512)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			if _, err := conn.Write(buf[:n]); err != nil {
				return
			}
		}
	}
}

// requireClosed fails unless c has been closed locally.
func requireClosed(t *testing.T, c net.Conn) {
	t.Helper()
	_, err := c.Write([]byte("x"))
	require.ErrorIs(t, err, net.ErrClosed, "the raw connection must be closed")
}
