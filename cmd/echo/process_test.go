package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processTimeout kills a subprocess that hangs, so a bug fails the test
// instead of the whole run. Nothing waits for it to pass.
const processTimeout = 60 * time.Second

// startServer runs "echo serve --addr 127.0.0.1:0" and returns the address
// it prints. At cleanup it sends SIGTERM and expects a graceful exit 0.
func startServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	cmd := exec.CommandContext(ctx, echoBin, "serve", "--addr", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start echo serve: %v", err)
	}
	stdout := bufio.NewReader(pipe)
	t.Cleanup(func() {
		defer cancel()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("signal echo serve: %v", err)
		}
		// All output must be read before Wait closes the pipe.
		rest, _ := io.ReadAll(stdout)
		if err := cmd.Wait(); err != nil {
			t.Errorf("echo serve after SIGTERM: %v, want exit status 0; stderr:\n%s", err, stderr.String())
		}
		if len(rest) > 0 {
			t.Errorf("echo serve printed %q after its address, want nothing", rest)
		}
	})
	line, err := stdout.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "listening on 127.0.0.1:")
	if err != nil || !ok {
		t.Fatalf("echo serve printed %q (%v), want \"listening on 127.0.0.1:PORT\"", line, err)
	}
	return "127.0.0.1:" + addr
}

// result is what one run of the echo binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// String shows every field quoted, so stray whitespace is visible.
func (r result) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
}

// runEcho runs the echo binary with args to completion.
func runEcho(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, echoBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("echo %q did not finish within %v; stderr:\n%s", args, processTimeout, stderr.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("run echo %q: %v", args, err)
	}
	return r
}

// callArgs builds the arguments of "echo call" for addr and method, with
// extra flags, then the messages.
func callArgs(addr, method string, flags []string, msgs ...string) []string {
	args := append([]string{"call", "--addr", addr, "--method", method}, flags...)
	return append(args, msgs...)
}
