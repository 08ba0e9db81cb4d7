package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/encoding/gzip"
)

// demoTLS serves the echo service over TLS, with a certificate made for
// the occasion, and makes one gzip-compressed unary call to it.
func demoTLS(w io.Writer) (err error) {
	cert, pool, err := demoCertificate()
	if err != nil {
		return fmt.Errorf("making a demo certificate: %w", err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := rpc.NewServer(rpc.Creds(credentials.NewServerTLSFromCert(&cert)))
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	defer func() {
		srv.GracefulStop()
		err = errors.Join(err, <-served)
	}()
	fmt.Fprintf(w, "tls server listening on %s\n", lis.Addr())

	creds := credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "echo.demo"})
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), demoTimeout)
	defer cancel()
	const msg = "hello over TLS, gzip-compressed"
	fmt.Fprintf(w, "tls    > %s\n", msg)
	resp, err := echopb.NewEchoClient(cc).UnaryEcho(ctx, &echopb.EchoRequest{Message: msg}, rpc.UseCompressor(gzip.Name))
	if err != nil {
		return fmt.Errorf("unary call over TLS: %w", err)
	}
	fmt.Fprintf(w, "tls    < %s\n", resp.GetMessage())
	return nil
}

// demoCertificate is a self-signed certificate for "echo.demo", and a pool
// that trusts it.
func demoCertificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "echo.demo"},
		DNSNames:              []string{"echo.demo"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
