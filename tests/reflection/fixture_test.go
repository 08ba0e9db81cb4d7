package reflection

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/reflection"
	"github.com/stretchr/testify/require"
)

// startServer serves echo and what registerReflection registers on
// 127.0.0.1:0 in this process, and stops the server when the test ends.
func startServer(t *testing.T, registerReflection func(*rpc.Server)) string {
	t.Helper()
	s := rpc.NewServer()
	echoserver.Register(s)
	registerReflection(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		require.NoError(t, <-served)
	})
	return lis.Addr().String()
}

func bothVersions(s *rpc.Server) { reflection.Register(s) }

// result is what one grpcurl run printed and how it exited.
type result struct {
	stdout, stderr string
	exitCode       int
}

// grpcurl runs grpcurl -plaintext with args against addr (placed where
// grpcurl wants it: after the flags, before the verb or method).
func grpcurl(t *testing.T, flags []string, addr string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	all := append(append(append([]string{"-plaintext"}, flags...), addr), args...)
	cmd := exec.CommandContext(ctx, grpcurlBin, all...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.exitCode = exit.ExitCode()
	default:
		t.Fatalf("grpcurl %v: %v", all, err)
	}
	require.NoError(t, ctx.Err(), "grpcurl %v timed out; stderr:\n%s", all, r.stderr)
	return r
}
