package echoserve

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// TestHealthProbeAgainstEchoServe: grpc_health_probe, as a Kubernetes
// probe runs it, says SERVING for the server and for the echo service,
// and fails (exit 3, NotFound) for a service echo serve does not have.
func TestHealthProbeAgainstEchoServe(t *testing.T) {
	s := startEchoServe(t)
	for _, service := range []string{"", "grpc.examples.echo.Echo"} {
		code, out, errOut := run(t, probeBin, "-addr", s.addr, "-service", service)
		assert.Equal(t, 0, code, "service %q: %s%s", service, out, errOut)
		assert.Contains(t, out+errOut, "status: SERVING", "service %q", service)
	}
	code, out, errOut := run(t, probeBin, "-addr", s.addr, "-service", "no.such.Service")
	assert.Equal(t, 3, code, "%s%s", out, errOut)
	assert.Contains(t, out+errOut, "NotFound")
}

// TestEchoServeSaysNotServingWhileStopping: a health Watch open on echo
// serve sees SERVING, then NOT_SERVING as soon as the process is told to
// stop, while the Watch itself (a call in flight) is still served; once the
// client lets go, the graceful stop completes and the process exits 0.
func TestEchoServeSaysNotServingWhileStopping(t *testing.T) {
	s := startEchoServe(t)
	cc, err := rpc.NewClient("passthrough:///"+s.addr, rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	watch, err := healthpb.NewHealthClient(cc).Watch(watchCtx, &healthpb.HealthCheckRequest{Service: "grpc.examples.echo.Echo"})
	require.NoError(t, err)
	first, err := watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, first.Status)

	s.stop(t)
	next, err := watch.Recv()
	require.NoError(t, err, "the Watch must be served through the graceful stop")
	assert.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, next.Status)

	stopWatching()
	select {
	case err := <-s.exited:
		assert.NoError(t, err, "echo serve's exit; stderr:\n%s", s.stderr)
		s.exited <- err // for the cleanup
	case <-ctx.Done():
		t.Fatal("echo serve did not exit after its last call ended")
	}
}
