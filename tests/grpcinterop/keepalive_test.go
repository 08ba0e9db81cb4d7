package grpcinterop

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
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

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// TestActorpcBDPPingsAreNotTooMany is the other direction: an actorpc
// client receiving large responses from a grpc-go server (default
// keepalive enforcement: one PING per 5 minutes, GOAWAY ENHANCE_YOUR_CALM
// "too_many_pings" on the third strike) pings it once per round trip to
// size its windows. Each of those PINGs follows DATA the server sent, so
// none is a strike: every call of eight concurrent streams of 1 MiB
// responses succeeds, on the one connection the server ever accepted.
func TestActorpcBDPPingsAreNotTooMany(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	lis := &countingListener{Listener: inner}
	srv := grpc.NewServer()
	RegisterGRPCEchoServer(srv, GRPCEcho{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		require.NoError(t, <-served)
	})
	client := newActorpcClient(t, lis.Addr().String())
	ctx := callContext(t)
	big := strings.Repeat("bandwidth ", 100<<10) // 1 MiB
	const streams, calls = 8, 3
	errs := make(chan error, streams*calls)
	for range streams {
		go func() {
			for range calls {
				resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: big})
				if err == nil && len(resp.Message) != len(big) {
					err = fmt.Errorf("response of %d bytes, want %d", len(resp.Message), len(big))
				}
				errs <- err
			}
		}()
	}
	for i := range streams * calls {
		require.NoError(t, <-errs, "call %d", i)
	}
	require.Equal(t, int32(1), lis.accepted.Load(), "the client connected again: the server sent it away")
}
