package grpcinterop

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	grpcgzip "google.golang.org/grpc/encoding/gzip"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// countingGzip is gzip for grpc-go that counts what it inflates, so a test
// can tell that a peer really compressed. It replaces grpc-go's gzip
// registration in this test binary (this init runs after grpc-go's).
type countingGzip struct{ inflated atomic.Int64 }

var gzipCounter = &countingGzip{}

func init() { encoding.RegisterCompressor(gzipCounter) }

func (*countingGzip) Name() string { return grpcgzip.Name }
func (*countingGzip) Compress(w io.Writer) (io.WriteCloser, error) {
	return gzip.NewWriter(w), nil
}
func (c *countingGzip) Decompress(r io.Reader) (io.Reader, error) {
	c.inflated.Add(1)
	return gzip.NewReader(r)
}

// buildEcho builds the echo binary once per test.
func buildEcho(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "echo")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/actorpc/actorpc/cmd/echo").CombinedOutput()
	require.NoError(t, err, "building cmd/echo: %s", out)
	return bin
}

// TestEchoCallGzipAgainstGRPCGo: `echo call --gzip` compresses for a
// grpc-go echo server, which decompresses it and answers.
func TestEchoCallGzipAgainstGRPCGo(t *testing.T) {
	bin := buildEcho(t)
	addr := startGRPCServer(t, newHandlerLog())
	before := gzipCounter.inflated.Load()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "call", "--addr", addr, "--method", "bidi", "--gzip", "one", "two").CombinedOutput()
	require.NoError(t, err, "echo call: %s", out)
	require.Equal(t, "one\ntwo\n", string(out))
	require.GreaterOrEqual(t, gzipCounter.inflated.Load()-before, int64(2), "the grpc-go server inflated no gzip message")
}

// TestGRPCGoGzipAgainstEchoServe: a grpc-go client with gzip against the
// `echo serve` binary.
func TestGRPCGoGzipAgainstEchoServe(t *testing.T) {
	addr := startEchoServe(t, buildEcho(t))
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	before := gzipCounter.inflated.Load()
	client := newGRPCClient(t, addr)
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: compressible}, grpc.UseCompressor(grpcgzip.Name))
	require.NoError(t, err)
	require.Equal(t, compressible, resp.Message)
	require.Greater(t, gzipCounter.inflated.Load()-before, int64(0), "echo serve did not answer in gzip")
}

// startEchoServe runs `echo serve` with args until the test ends and
// returns the address it listens on.
func startEchoServe(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	serve := exec.CommandContext(ctx, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := serve.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, serve.Start())
	t.Cleanup(func() {
		serve.Process.Kill()
		serve.Wait()
		cancel()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(line[strings.LastIndex(line, " ")+1:])
}

// TestEchoBinaryOverTLS: `echo serve --tls-cert/--tls-key` answers
// `echo call --tls-ca --tls-server-name` and a grpc-go TLS client.
func TestEchoBinaryOverTLS(t *testing.T) {
	bin := buildEcho(t)
	addr := startEchoServe(t, bin, "--tls-cert", serverCert, "--tls-key", serverKey)
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "call", "--addr", addr, "--method", "server",
		"--tls-ca", serverCA, "--tls-server-name", tlsServerName, "over", "tls").CombinedOutput()
	require.NoError(t, err, "echo call: %s", out)
	require.Equal(t, "over\ntls\n", string(out))

	resp, err := grpcTLSClient(t, addr).UnaryEcho(ctx, &echopb.EchoRequest{Message: "grpc-go"})
	require.NoError(t, err)
	require.Equal(t, "grpc-go", resp.Message)

	// A plaintext call to the TLS server fails; it does not hang.
	out, err = exec.CommandContext(ctx, bin, "call", "--addr", addr, "--method", "unary", "plain").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "Unavailable")
}
