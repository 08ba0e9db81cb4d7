package channelz

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// selfSigned is a certificate for 127.0.0.1, made in the process.
func selfSigned(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "channelz test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// TestTLSSocketsShowTheirSecurity: over TLS, a socket names its cipher
// suite, and the client's shows the certificate the server presented.
func TestTLSSocketsShowTheirSecurity(t *testing.T) {
	cert, leaf := selfSigned(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer(rpc.Creds(credentials.NewServerTLSFromCert(&cert)))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	served := make(chan struct{})
	go func() { defer close(served); srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		<-served
	})
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	_, err = healthpb.NewHealthClient(cc).Check(testContext(t), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)

	w := newWorld(t)
	w.svc.AddServer(srv)
	w.svc.AddChannel(cc)
	ctx := testContext(t)

	tlsChan := w.channelTo(t, lis.Addr().String())
	require.NotNil(t, tlsChan, "the TLS channel is listed")
	sub, err := w.cz.GetSubchannel(ctx, &pb.GetSubchannelRequest{SubchannelId: tlsChan.GetSubchannelRef()[0].GetSubchannelId()})
	require.NoError(t, err)
	client := w.socket(t, sub.GetSubchannel().GetSocketRef()[0].GetSocketId())
	tlsInfo := client.GetSecurity().GetTls()
	require.NotNil(t, tlsInfo, "the client's socket is TLS")
	require.NotEmpty(t, tlsInfo.GetStandardName())
	require.Equal(t, leaf.Raw, tlsInfo.GetRemoteCertificate())

	socks, err := w.cz.GetServerSockets(ctx, &pb.GetServerSocketsRequest{ServerId: w.serverOn(t, lis.Addr().String()).GetRef().GetServerId()})
	require.NoError(t, err)
	require.Len(t, socks.GetSocketRef(), 1)
	server := w.socket(t, socks.GetSocketRef()[0].GetSocketId())
	require.Equal(t, tlsInfo.GetStandardName(), server.GetSecurity().GetTls().GetStandardName())
	require.Empty(t, server.GetSecurity().GetTls().GetRemoteCertificate(), "the client showed none")
}
