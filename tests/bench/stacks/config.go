package stacks

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// Config is what a workload changes from each stack's defaults. The zero
// Config is plaintext, uncompressed, default limits, pick_first.
type Config struct {
	// TLS: the server presents a certificate made in this process (see
	// TestPKI) and the client trusts it.
	TLS bool
	// Gzip: the client compresses every request with gzip; both stacks
	// register their gzip compressor, so each server answers in kind.
	Gzip bool
	// MaxMsg, if not 0, raises the largest message either side sends or
	// accepts (both stacks default to 4 MiB received).
	MaxMsg int
	// RoundRobin: the client balances over every address it is given with
	// round_robin, through its own stack's resolver (actorpc's
	// static:///, grpc-go's manual resolver).
	RoundRobin bool
	// OTel: the server and the client each record OpenTelemetry metrics
	// and traces with their own stack's handler (actorpc's
	// rpc/stats/opentelemetry, grpc-go's stats/opentelemetry), into
	// providers made alike for both (see otelProviders).
	OTel bool
	// newOTel, if set, makes the providers of OTel instead (a test's,
	// that it reads).
	newOTel func() *otelProviders
}

// roundRobinConfig is the service config both stacks get with RoundRobin.
const roundRobinConfig = `{"loadBalancingConfig":[{"round_robin":{}}]}`

// PKI is a self-signed certificate for 127.0.0.1 and a pool that trusts it.
type PKI struct {
	Cert tls.Certificate
	Pool *x509.CertPool
}

var (
	pkiOnce sync.Once
	pki     PKI
	pkiErr  error
)

// TestPKI returns the process's certificate, made on first use with
// crypto/x509 (no files): an ECDSA P-256 key, valid for 127.0.0.1 and
// localhost for a day.
func TestPKI() (PKI, error) {
	pkiOnce.Do(func() { pki, pkiErr = makePKI() })
	return pki, pkiErr
}

func makePKI() (PKI, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return PKI{}, fmt.Errorf("generating the bench key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "actorpc bench"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return PKI{}, fmt.Errorf("signing the bench certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return PKI{}, fmt.Errorf("parsing the bench certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return PKI{Cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, Pool: pool}, nil
}
