package echoserve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// failsafe bounds every process a test runs: a hang fails, never blocks.
const failsafe = 30 * time.Second

// echoServe is a running `echo serve` process.
type echoServe struct {
	addr   string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	exited chan error // cmd.Wait's result
}

// startEchoServe runs `echo serve` on a free loopback port until the test
// ends (or until the test stops it) and returns it once it listens.
func startEchoServe(t *testing.T) *echoServe {
	t.Helper()
	s := &echoServe{stderr: new(bytes.Buffer), exited: make(chan error, 1)}
	s.cmd = exec.Command(echoBin, "serve", "--addr", "127.0.0.1:0")
	s.cmd.Stderr = s.stderr
	stdout, err := s.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())
	lines := bufio.NewReader(stdout)
	go func() {
		s.exited <- s.cmd.Wait()
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			t.Logf("echo serve stderr:\n%s", s.stderr)
		}
	})
	line, err := lines.ReadString('\n') // "listening on HOST:PORT"
	require.NoError(t, err, "echo serve printed no address; stderr:\n%s", s.stderr)
	require.True(t, strings.HasPrefix(line, "listening on "), "first line %q", line)
	s.addr = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return s
}

// run runs bin with args, bounded by failsafe, and returns its exit code
// and what it printed on stdout and stderr.
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

// stop sends SIGTERM: echo serve stops gracefully.
func (s *echoServe) stop(t *testing.T) {
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
}
