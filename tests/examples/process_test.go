package examples

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const (
	// readyTimeout bounds the wait for a server to accept connections.
	readyTimeout = 30 * time.Second
	// stopTimeout is how long a server has after SIGTERM before it is killed.
	stopTimeout = 5 * time.Second
	// clientTimeout bounds one client program.
	clientTimeout = time.Minute
)

// startServer runs bin with args plus -port on a free port, waits until it
// accepts connections on localhost, stops it when the test ends, and
// returns the port.
func startServer(t *testing.T, bin string, args ...string) int {
	t.Helper()
	dir := binaries(t)
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		var output bytes.Buffer
		cmd := exec.Command(filepath.Join(dir, bin), append(args, "-port="+strconv.Itoa(port))...)
		cmd.Stdout, cmd.Stderr = &output, &output
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		err := waitListening(port, exited)
		if err == nil {
			t.Cleanup(func() {
				cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(stopTimeout):
					t.Errorf("%s did not exit within %v of SIGTERM", bin, stopTimeout)
					cmd.Process.Kill()
					<-exited
				}
				if t.Failed() {
					t.Logf("%s output:\n%s", bin, output.String())
				}
			})
			return port
		}
		cmd.Process.Kill()
		<-exited
		if attempt == 2 {
			t.Fatalf("%s did not start: %v\n%s", bin, err, output.String())
		}
		// Another process may have taken the port in between: try again.
	}
}

// waitListening polls until something accepts on localhost:port, the
// process exits, or readyTimeout passes.
func waitListening(port int, exited <-chan error) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("localhost", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on port %d after %v: %w", port, readyTimeout, err)
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before listening: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	lis, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer lis.Close()
	return lis.Addr().(*net.TCPAddr).Port
}

// runClient runs a client program to its end and returns what it printed;
// a failing exit fails the test.
func runClient(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binaries(t), bin), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	return string(out)
}
