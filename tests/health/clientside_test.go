package health

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

// healthChecked is round_robin with client-side health checking of the
// echo service.
const healthChecked = `{
	"loadBalancingConfig": [{"round_robin": {}}],
	"healthCheckConfig": {"serviceName": "` + echoService + `"}
}`

const (
	serving    = healthpb.HealthCheckResponse_SERVING
	notServing = healthpb.HealthCheckResponse_NOT_SERVING
)

func target(bs ...*backend) string {
	t := "static:///"
	for i, b := range bs {
		if i > 0 {
			t += ","
		}
		t += b.addr
	}
	return t
}

// callsReachEach makes calls until every backend in want has run one more
// since before, bounded by ctx.
func callsReachEach(t *testing.T, ctx context.Context, client echopb.EchoClient, want ...*backend) {
	t.Helper()
	before := hitsOf(want...)
	waitUntil(t, ctx, "calls to reach every backend in rotation", func() bool {
		call(t, ctx, client)
		for i, h := range hitsOf(want...) {
			if h == before[i] {
				return false
			}
		}
		return true
	})
}

// TestNotServingBackendLeavesRotation: three backends under round_robin
// with healthCheckConfig; one set NOT_SERVING gets no call while the
// others share them, and gets calls again once SERVING.
func TestNotServingBackendLeavesRotation(t *testing.T) {
	ctx := testContext(t)
	a, b, c := startBackend(t, true), startBackend(t, true), startBackend(t, true)
	for _, be := range []*backend{a, b, c} {
		be.health.SetServingStatus(echoService, serving)
	}
	cc, client := newClient(t, target(a, b, c), healthChecked)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	callsReachEach(t, ctx, client, a, b, c)

	b.health.SetServingStatus(echoService, notServing)
	waitUntil(t, ctx, "b to leave the rotation", func() bool { return !inRotation(ctx, cc, b.addr) })
	before := hitsOf(a, b, c)
	for range 30 {
		call(t, ctx, client)
	}
	after := hitsOf(a, b, c)
	assert.Equal(t, before[1], after[1], "the NOT_SERVING backend received calls")
	assert.Greater(t, after[0], before[0], "a received no call")
	assert.Greater(t, after[2], before[2], "c received no call")
	assert.Equal(t, int64(30), after[0]-before[0]+after[2]-before[2])

	b.health.SetServingStatus(echoService, serving)
	callsReachEach(t, ctx, client, b)
}

// TestServiceUnknownLeavesRotation: a backend whose health service does
// not know the watched service (SERVICE_UNKNOWN) gets no call, and comes
// in once the service is registered.
func TestServiceUnknownLeavesRotation(t *testing.T) {
	ctx := testContext(t)
	a, b := startBackend(t, true), startBackend(t, true)
	a.health.SetServingStatus(echoService, serving)
	cc, client := newClient(t, target(a, b), healthChecked)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	before := hitsOf(b)
	for range 20 {
		call(t, ctx, client)
	}
	assert.Equal(t, before, hitsOf(b), "a backend answering SERVICE_UNKNOWN received calls")
	assert.False(t, inRotation(ctx, cc, b.addr))

	b.health.SetServingStatus(echoService, serving)
	callsReachEach(t, ctx, client, a, b)
}

// TestBackendWithoutHealthServiceStaysInRotation: a backend that answers
// Watch with Unimplemented is healthy for balancing (A17).
func TestBackendWithoutHealthServiceStaysInRotation(t *testing.T) {
	ctx := testContext(t)
	a, b, c := startBackend(t, true), startBackend(t, true), startBackend(t, false)
	a.health.SetServingStatus(echoService, serving)
	b.health.SetServingStatus(echoService, notServing)
	cc, client := newClient(t, target(a, b, c), healthChecked)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	callsReachEach(t, ctx, client, a, c)
	assert.False(t, inRotation(ctx, cc, b.addr), "the NOT_SERVING backend is in rotation")
	assert.True(t, inRotation(ctx, cc, c.addr), "the backend without a health service left the rotation")
	assert.Zero(t, b.hits.Load())
}

// TestAllNotServingFailsCalls: with every backend NOT_SERVING the channel
// is TRANSIENT_FAILURE and a call fails at once, saying why.
func TestAllNotServingFailsCalls(t *testing.T) {
	ctx := testContext(t)
	a, b := startBackend(t, true), startBackend(t, true)
	a.health.SetServingStatus(echoService, notServing)
	b.health.SetServingStatus(echoService, notServing)
	cc, client := newClient(t, target(a, b), healthChecked)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.TransientFailure)
	_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hi"})
	require.Error(t, err)
	assert.Equal(t, codes.Unavailable, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "health check")
	assert.Contains(t, status.Convert(err).Message(), "NOT_SERVING")
	assert.Zero(t, a.hits.Load()+b.hits.Load())

	a.health.SetServingStatus(echoService, serving)
	waitForState(t, ctx, cc, connectivity.Ready)
	call(t, ctx, client)
	assert.Equal(t, int64(1), a.hits.Load())
}

// TestPickFirstIgnoresHealthCheckConfig: as in grpc-go, pick_first does
// not health check, so a NOT_SERVING backend still gets the calls.
func TestPickFirstIgnoresHealthCheckConfig(t *testing.T) {
	ctx := testContext(t)
	a := startBackend(t, true)
	a.health.SetServingStatus(echoService, notServing)
	cc, client := newClient(t, target(a), `{"healthCheckConfig": {"serviceName": "`+echoService+`"}}`)
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	call(t, ctx, client)
	assert.Equal(t, int64(1), a.hits.Load())
}

// TestDisableHealthCheckWins: WithDisableHealthCheck turns health
// checking off whatever the service config says, so a NOT_SERVING backend
// under round_robin with healthCheckConfig still gets the calls.
func TestDisableHealthCheckWins(t *testing.T) {
	ctx := testContext(t)
	a := startBackend(t, true)
	a.health.SetServingStatus(echoService, notServing)
	cc, client := newClient(t, target(a), healthChecked, rpc.WithDisableHealthCheck())
	cc.Connect()
	waitForState(t, ctx, cc, connectivity.Ready)
	call(t, ctx, client)
	assert.Equal(t, int64(1), a.hits.Load())
}

// endingHealth is a health service whose first Watch sends its status and
// then ends with Unavailable; later ones are the real Watch.
type endingHealth struct {
	*health.Server
	watches atomic.Int64
}

func (e *endingHealth) Watch(in *healthpb.HealthCheckRequest, stream rpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	if e.watches.Add(1) == 1 {
		if err := stream.Send(&healthpb.HealthCheckResponse{Status: serving}); err != nil {
			return err
		}
		return status.Error(codes.Unavailable, "watch cut short")
	}
	return e.Server.Watch(in, stream)
}

// TestHealthWatchIsRetried: a Watch that ends with a status other than
// Unimplemented is made again (with backoff), and the backend comes back
// into rotation on its answer.
func TestHealthWatchIsRetried(t *testing.T) {
	ctx := testContext(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := rpc.NewServer()
	echoserver.Register(s)
	eh := &endingHealth{Server: health.NewServer()}
	eh.SetServingStatus(echoService, serving)
	healthpb.RegisterHealthServer(s, eh)
	served := make(chan struct{})
	go func() { defer close(served); s.Serve(lis) }()
	defer func() { s.Stop(); <-served }()

	cc, client := newClient(t, "static:///"+lis.Addr().String(), healthChecked)
	cc.Connect()
	waitUntil(t, ctx, "the health watch to be made again", func() bool { return eh.watches.Load() >= 2 })
	waitForState(t, ctx, cc, connectivity.Ready)
	call(t, ctx, client)
}
