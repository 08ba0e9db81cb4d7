package health

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// echoService is the service the client-side tests watch.
const echoService = "grpc.examples.echo.Echo"

// backend is an actorpc server with the echo service and, unless made
// without, the health service. hits counts the echo calls it ran.
type backend struct {
	addr   string
	health *health.Server // nil: no health service
	hits   atomic.Int64
}

func startBackend(t *testing.T, withHealth bool) *backend {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	b := &backend{addr: lis.Addr().String()}
	s := rpc.NewServer(rpc.UnaryInterceptor(func(ctx context.Context, req any, info *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		if strings.HasPrefix(info.FullMethod, "/"+echoService+"/") {
			b.hits.Add(1)
		}
		return handler(ctx, req)
	}))
	echoserver.Register(s)
	if withHealth {
		b.health = health.NewServer()
		healthpb.RegisterHealthServer(s, b.health)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil && !errors.Is(err, rpc.ErrServerStopped) {
			t.Errorf("Serve: %v", err)
		}
	})
	return b
}

// newClient dials target with the service config and a fast reconnection
// backoff (the health watch retries with it too); closed with the test.
func newClient(t *testing.T, target, serviceConfig string, opts ...rpc.DialOption) (*rpc.ClientConn, echopb.EchoClient) {
	t.Helper()
	cc, err := rpc.NewClient(target, append([]rpc.DialOption{
		rpc.WithTransportCredentials(insecure.NewCredentials()),
		rpc.WithDefaultServiceConfig(serviceConfig),
		rpc.WithConnectParams(rpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 20 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 200 * time.Millisecond},
			MinConnectTimeout: time.Second,
		})}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc, echopb.NewEchoClient(cc)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitUntil polls cond (a fresh observation each time) until it holds,
// failing the test when ctx ends first.
func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// waitForState waits until the channel is in want.
func waitForState(t *testing.T, ctx context.Context, cc *rpc.ClientConn, want connectivity.State) {
	t.Helper()
	for s := cc.GetState(); s != want; s = cc.GetState() {
		if !cc.WaitForStateChange(ctx, s) {
			t.Fatalf("the channel stayed %s, want %s", s, want)
		}
	}
}

// inRotation reports whether the channel sends calls to addr: its
// subchannel has a connection the picker may use.
func inRotation(ctx context.Context, cc *rpc.ClientConn, addr string) bool {
	return strings.Contains(cc.Inspect(ctx).State, addr+" ready=true")
}

// call makes one echo call that waits for a backend.
func call(t *testing.T, ctx context.Context, client echopb.EchoClient) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := client.UnaryEcho(cctx, &echopb.EchoRequest{Message: "hi"}, rpc.WaitForReady(true))
	require.NoError(t, err)
}

// hitsOf is each backend's call count.
func hitsOf(bs ...*backend) []int64 {
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.hits.Load()
	}
	return out
}
