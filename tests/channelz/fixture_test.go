package channelz

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// failsafe bounds every process and call a test runs: a hang fails, never
// blocks.
const failsafe = 30 * time.Second

// echoServe is a running `echo serve --admin-addr` process.
type echoServe struct {
	addr, admin string
	cmd         *exec.Cmd
	stderr      *bytes.Buffer
	exited      chan error // cmd.Wait's result
}

// startEchoServe runs echo serve with its admin services, both on free
// loopback ports, until the test ends.
func startEchoServe(t *testing.T) *echoServe {
	t.Helper()
	s := &echoServe{stderr: new(bytes.Buffer), exited: make(chan error, 1)}
	s.cmd = exec.Command(echoBin, "serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0")
	s.cmd.Stderr = s.stderr
	stdout, err := s.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			t.Logf("echo serve stderr:\n%s", s.stderr)
		}
	})
	lines := bufio.NewReader(stdout)
	s.addr = readAddr(t, lines, "listening on ", s.stderr)
	s.admin = readAddr(t, lines, "admin listening on ", s.stderr)
	return s
}

func readAddr(t *testing.T, lines *bufio.Reader, prefix string, stderr *bytes.Buffer) string {
	t.Helper()
	line, err := lines.ReadString('\n')
	require.NoError(t, err, "echo serve printed no %q line; stderr:\n%s", prefix, stderr)
	require.True(t, strings.HasPrefix(line, prefix), "line %q, want %q...", line, prefix)
	return strings.TrimSpace(strings.TrimPrefix(line, prefix))
}

// run runs bin with args, bounded by failsafe, and returns its exit code
// and what it printed.
func run(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "%s %v did not finish in %v", bin, args, failsafe)
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running %s: %v", bin, err)
	}
	return code, out.String(), errOut.String()
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds (a stream's end reaches its
// connection's actor a moment after the caller has its answer); the bound
// is a failsafe, not a timed assertion.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// Polled on the test's goroutine, so that cond may use require.
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	bound := time.After(failsafe)
	for !cond() {
		select {
		case <-tick.C:
		case <-bound:
			t.Fatalf("never came true: %s", what)
		}
	}
}
