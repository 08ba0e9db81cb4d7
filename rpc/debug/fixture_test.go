package debug

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// Secrets a call carries that the page must never show.
const (
	secretMetadata = "md-value-never-shown"
	secretPayload  = "payload-never-shown"
)

// echoPair is an echo server and a client channel to it, with one
// bidirectional stream held open after an echo went each way; everything
// ends with the test.
type echoPair struct {
	srv *rpc.Server
	cc  *rpc.ClientConn
}

func newEchoPair(t *testing.T) echoPair {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer()
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ctx = metadata.AppendToOutgoingContext(ctx, "x-secret", secretMetadata)
	stream, err := echopb.NewEchoClient(cc).BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: secretPayload}))
	resp, err := stream.Recv()
	require.NoError(t, err)
	require.Equal(t, secretPayload, resp.GetMessage())
	t.Cleanup(func() {
		cancel()
		cc.Close()
		srv.Stop()
		require.NoError(t, <-served)
	})
	return echoPair{srv: srv, cc: cc}
}

// unary makes one unary call.
func (p echoPair) unary(t *testing.T) {
	t.Helper()
	_, err := echopb.NewEchoClient(p.cc).UnaryEcho(context.Background(), &echopb.EchoRequest{Message: "hi"})
	require.NoError(t, err)
}

// find lists the nodes of kind in the trees, depth first.
func find(nodes []Node, kind string) []Node {
	var out []Node
	for _, n := range nodes {
		if n.Kind == kind {
			out = append(out, n)
		}
		out = append(out, find(n.Children, kind)...)
	}
	return out
}
