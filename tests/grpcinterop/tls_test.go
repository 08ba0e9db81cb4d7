package grpcinterop

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	grpccreds "google.golang.org/grpc/credentials"
	"google.golang.org/grpc/testdata"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/status"
)

// The certificates grpc-go's interop binaries use: server1 is valid for
// *.test.google.fr and signed by ca.pem.
const tlsServerName = "foo.test.google.fr"

var (
	serverCert = testdata.Path("server1.pem")
	serverKey  = testdata.Path("server1.key")
	serverCA   = testdata.Path("ca.pem")
)

func startActorpcTLSServer(t *testing.T) string {
	t.Helper()
	creds, err := credentials.NewServerTLSFromFile(serverCert, serverKey)
	require.NoError(t, err)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer(rpc.Creds(creds))
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		select {
		case err := <-served:
			assert.NoError(t, err)
		case <-time.After(failsafe):
			assert.Fail(t, "Serve did not return after Stop")
		}
	})
	return lis.Addr().String()
}

func startGRPCTLSServer(t *testing.T) string {
	t.Helper()
	creds, err := grpccreds.NewServerTLSFromFile(serverCert, serverKey)
	require.NoError(t, err)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(grpc.Creds(creds))
	RegisterGRPCEchoServer(srv, GRPCEcho{})
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func actorpcTLSClient(t *testing.T, addr string) echopb.EchoClient {
	t.Helper()
	creds, err := credentials.NewClientTLSFromFile(serverCA, tlsServerName)
	require.NoError(t, err)
	cc, err := rpc.NewClient(addr, rpc.WithTransportCredentials(creds))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return echopb.NewEchoClient(cc)
}

func grpcTLSClient(t *testing.T, addr string) GRPCEchoClient {
	t.Helper()
	creds, err := grpccreds.NewClientTLSFromFile(serverCA, tlsServerName)
	require.NoError(t, err)
	cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(creds))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return NewGRPCEchoClient(cc)
}

func TestTLSGRPCGoClientToActorpcServer(t *testing.T) {
	client := grpcTLSClient(t, startActorpcTLSServer(t))
	ctx := callContext(t)
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "over tls"})
	require.NoError(t, err)
	require.Equal(t, "over tls", resp.Message)
	stream, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "a b c"})
	require.NoError(t, err)
	msgs, err := recvAll(stream)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c"}, msgs)
}

func TestTLSActorpcClientToGRPCGoServer(t *testing.T) {
	client := actorpcTLSClient(t, startGRPCTLSServer(t))
	ctx := callContext(t)
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "over tls"})
	require.NoError(t, err)
	require.Equal(t, "over tls", resp.Message)
	stream, err := client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "ping"}))
	got, err := stream.Recv()
	require.NoError(t, err)
	require.Equal(t, "ping", got.Message)
	require.NoError(t, stream.CloseSend())
}

func TestTLSActorpcBothSides(t *testing.T) {
	client := actorpcTLSClient(t, startActorpcTLSServer(t))
	resp, err := client.UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "both"})
	require.NoError(t, err)
	require.Equal(t, "both", resp.Message)
}

// TestTLSClientNeverFallsBackToPlaintext: a TLS client against a plaintext
// server fails; it does not quietly speak h2c.
func TestTLSClientNeverFallsBackToPlaintext(t *testing.T) {
	client := actorpcTLSClient(t, startActorpcServer(t, newHandlerLog()))
	_, err := client.UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "secret"})
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
}

// TestPlaintextClientAgainstTLSServer fails with Unavailable, not a hang.
func TestPlaintextClientAgainstTLSServer(t *testing.T) {
	client := newActorpcClient(t, startActorpcTLSServer(t))
	_, err := client.UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "plain"})
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
}

// TestTLSWrongServerName: the certificate does not cover the name.
func TestTLSWrongServerName(t *testing.T) {
	addr := startActorpcTLSServer(t)
	creds, err := credentials.NewClientTLSFromFile(serverCA, "wrong.example.com")
	require.NoError(t, err)
	cc, err := rpc.NewClient(addr, rpc.WithTransportCredentials(creds))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	_, err = echopb.NewEchoClient(cc).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "x"})
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "certificate")
}
