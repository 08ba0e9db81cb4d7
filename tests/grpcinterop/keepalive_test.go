package grpcinterop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/connectivity"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// TestGRPCGoBDPPingsAreNotTooMany: a grpc-go client receiving large
// responses pings the server as the data arrives, to estimate the
// bandwidth-delay product and size its windows: far more often than the
// actorpc server's default ping policy allows (one PING per 5 minutes).
// As with a grpc-go server, PINGs that follow data the server sent are no
// strikes, so the client is never sent away with "too_many_pings": every
// call succeeds on the one connection.
func TestGRPCGoBDPPingsAreNotTooMany(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	cc := newGRPCConn(t, addr)
	client := NewGRPCEchoClient(cc)
	ctx := callContext(t)
	big := strings.Repeat("bandwidth ", 100<<10) // 1 MiB
	for i := range 32 {
		resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: big})
		require.NoError(t, err, "call %d", i)
		require.Len(t, resp.Message, len(big))
	}
	require.Equal(t, connectivity.Ready, cc.GetState(), "the client was sent away")
}
