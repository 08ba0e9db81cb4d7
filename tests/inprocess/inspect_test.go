package inprocess

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// TestInspectWhileServing looks inside a running server: the server
// actor and its connection actor describe themselves.
func TestInspectWhileServing(t *testing.T) {
	f := start(t, nil)
	ctx := testContext(t)
	stream, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "hold"}))
	_, err = stream.Recv()
	require.NoError(t, err)

	infos := f.server.Inspect(ctx)
	require.Len(t, infos, 2, "the server actor and one connection actor")
	require.Equal(t, "server", infos[0].Name)
	require.True(t, infos[0].Running)
	conn := infos[1]
	require.True(t, strings.HasPrefix(conn.Name, "conn/server "), conn.Name)
	require.True(t, conn.Running)
	require.GreaterOrEqual(t, conn.MailboxDepth, 0)
	require.Contains(t, conn.State, "1 streams", "the open stream shows in the connection's state: %q", conn.State)

	client := f.cc.Inspect(ctx)
	require.True(t, client.Running)
	require.NoError(t, stream.CloseSend())
}
