package grpcinterop

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	grpcpeer "google.golang.org/grpc/peer"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	rpcinsecure "github.com/actorpc/actorpc/rpc/credentials/insecure"
	rpcmd "github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/peer"
)

// echoTokenCreds are actorpc per-RPC credentials whose metadata the echo
// server returns (an x-echo- key, given in capitals as a user might).
type echoTokenCreds struct{}

func (echoTokenCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"X-Echo-Token": "t0k3n"}, nil
}

func (echoTokenCreds) RequireTransportSecurity() bool { return false }

// TestActorpcPerRPCCredentialsReachGRPCServer: the metadata of an actorpc
// client's per-RPC credentials reaches a grpc-go server (which echoes it).
func TestActorpcPerRPCCredentialsReachGRPCServer(t *testing.T) {
	addr := startGRPCServer(t, newHandlerLog())
	cc, err := rpc.NewClient("passthrough:///"+addr, rpc.WithTransportCredentials(rpcinsecure.NewCredentials()),
		rpc.WithPerRPCCredentials(echoTokenCreds{}))
	require.NoError(t, err)
	defer cc.Close()
	var header rpcmd.MD
	var p peer.Peer
	_, err = echopb.NewEchoClient(cc).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "hi"}, rpc.Header(&header), rpc.Peer(&p))
	require.NoError(t, err)
	assert.Equal(t, []string{"t0k3n"}, header.Get("x-echo-token"))
	require.NotNil(t, p.Addr)
	assert.Equal(t, addr, p.Addr.String())
}

// TestGRPCClientPeerOnActorpcServer: an actorpc handler sees a grpc-go
// client's address as the peer.
func TestGRPCClientPeerOnActorpcServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	peers := make(chan *peer.Peer, 1)
	srv := rpc.NewServer(rpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		p, _ := peer.FromContext(ctx)
		peers <- p
		return handler(ctx, req)
	}))
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	defer func() { srv.Stop(); assert.NoError(t, <-served) }()

	gc, err := grpc.NewClient("passthrough:///"+lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer gc.Close()
	// The grpc-go client's own Peer option tells its local address.
	var clientSide grpcpeer.Peer
	_, err = NewGRPCEchoClient(gc).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "hi"}, grpc.Peer(&clientSide))
	require.NoError(t, err)
	p := <-peers
	require.NotNil(t, p)
	assert.Equal(t, clientSide.LocalAddr.String(), p.Addr.String())
	assert.Equal(t, lis.Addr().String(), p.LocalAddr.String())
	assert.Equal(t, "insecure", p.AuthInfo.AuthType())
}
