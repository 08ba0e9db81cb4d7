package health

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
)

// Exit codes of grpc_health_probe.
const (
	probeOK         = 0
	probeRPCFailure = 3
	probeUnhealthy  = 4
)

// probe runs grpc_health_probe against addr and returns its exit code and
// what it printed (it logs to stderr).
func probe(t *testing.T, addr string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, probeBin, append([]string{"-addr", addr, "-connect-timeout", "5s", "-rpc-timeout", "5s"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("running grpc_health_probe: %v\n%s", err, out.String())
	return -1, ""
}

func TestProbeServing(t *testing.T) {
	b := startBackend(t, true)
	code, out := probe(t, b.addr)
	assert.Equal(t, probeOK, code, out)
	assert.Contains(t, out, "status: SERVING")
}

func TestProbeNotServing(t *testing.T) {
	b := startBackend(t, true)
	b.health.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	code, out := probe(t, b.addr)
	assert.Equal(t, probeUnhealthy, code, out)
	assert.Contains(t, out, `service unhealthy (responded with "NOT_SERVING")`)

	b.health.Resume() // Resume sets every service SERVING
	code, out = probe(t, b.addr)
	assert.Equal(t, probeOK, code, out)
}

func TestProbeShutdown(t *testing.T) {
	b := startBackend(t, true)
	b.health.SetServingStatus(echoService, healthpb.HealthCheckResponse_SERVING)
	b.health.Shutdown()
	for _, args := range [][]string{nil, {"-service", echoService}} {
		code, out := probe(t, b.addr, args...)
		assert.Equal(t, probeUnhealthy, code, "%v: %s", args, out)
		assert.Contains(t, out, "NOT_SERVING")
	}
}

func TestProbeNamedService(t *testing.T) {
	b := startBackend(t, true)
	b.health.SetServingStatus(echoService, healthpb.HealthCheckResponse_SERVING)
	code, out := probe(t, b.addr, "-service", echoService)
	assert.Equal(t, probeOK, code, out)
	assert.Contains(t, out, "status: SERVING")

	b.health.SetServingStatus(echoService, healthpb.HealthCheckResponse_NOT_SERVING)
	code, out = probe(t, b.addr, "-service", echoService)
	assert.Equal(t, probeUnhealthy, code, out)
	assert.Contains(t, out, "NOT_SERVING")
	// The server as a whole is still SERVING.
	code, out = probe(t, b.addr)
	assert.Equal(t, probeOK, code, out)
}

func TestProbeUnknownService(t *testing.T) {
	b := startBackend(t, true)
	code, out := probe(t, b.addr, "-service", "no.such.Service")
	assert.Equal(t, probeRPCFailure, code, out)
	assert.Contains(t, out, "health rpc failed")
	assert.Contains(t, out, "NotFound")
	assert.Contains(t, out, "unknown service")
}

func TestProbeServerWithoutHealthService(t *testing.T) {
	b := startBackend(t, false)
	code, out := probe(t, b.addr)
	require.Equal(t, probeRPCFailure, code, out)
	assert.Contains(t, out, "does not implement the grpc health protocol")
}
