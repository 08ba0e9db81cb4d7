package interop

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const (
	// readyTimeout bounds the wait for a server to accept connections.
	readyTimeout = 15 * time.Second
	// stopTimeout is how long a server has to exit after SIGTERM before
	// it is killed.
	stopTimeout = 5 * time.Second
	// caseTimeout bounds one client process, that is one test case.
	caseTimeout = time.Minute
)

// serverProcess is an interop server running as a child process.
type serverProcess struct {
	port   int
	cmd    *exec.Cmd
	output *bytes.Buffer // stdout and stderr, read only after exited
	exited chan struct{} // closed once cmd.Wait has returned
	err    error         // cmd.Wait's, set before exited closes
}

// startServer runs the server binary on a free port with the flags of
// sec, waits until it accepts connections, and stops it when the test
// ends.
func startServer(t *testing.T, bin string, sec security) *serverProcess {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s, err := launchServer(bin, port, sec)
		if err != nil {
			t.Fatal(err)
		}
		if lastErr = s.waitReady(); lastErr == nil {
			t.Cleanup(func() { s.stop(t) })
			return s
		}
		// Another process may have taken the port in between: try again.
		s.kill()
	}
	t.Fatalf("server %s did not start: %v", bin, lastErr)
	return nil
}

// freePort is a port nothing listens on, on any interface, right now.
func freePort() (int, error) {
	lis, err := net.Listen("tcp", ":0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer lis.Close()
	return lis.Addr().(*net.TCPAddr).Port, nil
}

func launchServer(bin string, port int, sec security) (*serverProcess, error) {
	s := &serverProcess{port: port, output: new(bytes.Buffer), exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "--port="+strconv.Itoa(port), "--use_tls="+strconv.FormatBool(sec.tls))
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	s.cmd.Env = childEnv()
	s.cmd.WaitDelay = stopTimeout
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// waitReady dials the server until it accepts a connection, it exits, or
// readyTimeout passes.
func (s *serverProcess) waitReady() error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	deadline := time.Now().Add(readyTimeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("it exited (%v): %s", s.err, s.output)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not accepting connections after %v: %v", addr, readyTimeout, err)
		}
	}
}

// stop sends SIGTERM, kills the server if it outlives stopTimeout, and
// waits for it. An actorpc server must exit cleanly: a non-zero status
// (the race detector's 66, a panic) fails the test.
func (s *serverProcess) stop(t *testing.T) {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.kill()
		t.Errorf("server %s ignored SIGTERM for %v; killed it", s.cmd.Path, stopTimeout)
		return
	}
	if filepath.Base(s.cmd.Path) == actorpcServer && s.err != nil {
		t.Errorf("server %s exited with %v:\n%s", s.cmd.Path, s.err, s.output)
	}
}

// kill ends the server now and waits for it.
func (s *serverProcess) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// runClient runs one test case with the client binary against the server
// on port, bounded by caseTimeout. It returns the client's output, and an
// error when the case failed.
func runClient(bin string, port int, testCase string, sec security) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	args := []string{
		"--server_host=127.0.0.1",
		"--server_port=" + strconv.Itoa(port),
		"--test_case=" + testCase,
		"--use_tls=" + strconv.FormatBool(sec.tls),
	}
	if sec.tls {
		args = append(args, "--use_test_ca=true", "--server_host_override=foo.test.google.fr")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv()
	cmd.WaitDelay = stopTimeout
	dieWithParent(cmd)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("killed after %v: %w", caseTimeout, err)
	}
	return string(out), err
}

// childEnv is the environment of the binaries: the test's, except that a
// race-enabled binary waits 50ms at exit for late race reports instead of
// the default second (per process, that would double the run).
func childEnv() []string {
	env := os.Environ()
	if os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=50")
	}
	return env
}
