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
	require.Len(t, infos, 5, "the server actor, one connection actor, its reader, writer and the call's handler: %+v", infos)
	require.Equal(t, "server", infos[0].Name)
	require.Equal(t, 0, infos[0].Depth)
	require.True(t, infos[0].Running)
	conn := infos[1]
	require.True(t, strings.HasPrefix(conn.Name, "conn/server "), conn.Name)
	require.Equal(t, 1, conn.Depth)
	require.True(t, conn.Running)
	require.GreaterOrEqual(t, conn.MailboxDepth, 0)
	require.Contains(t, conn.State, "1 streams", "the open stream shows in the connection's state: %q", conn.State)
	var below []string
	for _, info := range infos[2:] {
		require.Equal(t, 2, info.Depth, info.Name)
		require.True(t, info.Running, info.Name)
		below = append(below, info.Name)
	}
	require.ElementsMatch(t, []string{conn.Name + "/reader", conn.Name + "/writer", "handler"}, below)

	client := f.cc.Inspect(ctx)
	require.True(t, client.Running)
	// channel -> subchannel -> connection -> reader, writer, the stream's actor
	require.Len(t, client.Children, 1, "one subchannel: %+v", client)
	sc := client.Children[0]
	require.True(t, strings.HasPrefix(sc.Name, "subchannel/"), sc.Name)
	require.Contains(t, sc.State, "state=READY")
	require.Len(t, sc.Children, 1, "its connection")
	var connKids []string
	for _, k := range sc.Children[0].Children {
		connKids = append(connKids, strings.TrimPrefix(k.Name, sc.Children[0].Name))
	}
	require.ElementsMatch(t, []string{"/reader", "/writer", "stream/client"}, connKids)
	require.NoError(t, stream.CloseSend())
}
