package main

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/tests/interop/http2server"
)

// The bounds of one case: the client must be done within caseBound (a
// hang fails the case, it does not stall the test), and must have closed
// its connections within shutdownBound after.
const (
	caseBound     = 10 * time.Second
	shutdownBound = 5 * time.Second
)

// outcome is what one case did: the client's error and the server's
// report.
type outcome struct {
	clientErr error
	report    http2server.Report
}

// runCase starts a server that behaves as serverCase, runs the client
// case clientCase against it in process, and shuts the server down.
func runCase(t *testing.T, serverCase http2server.Case, clientCase string) outcome {
	t.Helper()
	srv, err := http2server.Start(serverCase)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseBound)
	defer cancel()
	start := time.Now()
	clientErr := run(ctx, srv.Addr(), clientCase, "")
	if ctx.Err() != nil {
		t.Errorf("client case %s against server %s hung: still running after %v (its error: %v)", clientCase, serverCase, time.Since(start), clientErr)
	}
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), shutdownBound)
	defer cancelShutdown()
	report := srv.Shutdown(shutdownCtx)
	t.Logf("client: %v; server: %v", clientErr, report)
	return outcome{clientErr: clientErr, report: report}
}

// TestNegativeCases runs each case of the descriptions against the server
// that misbehaves as the case says: the client's assertions hold (the
// rst cases end INTERNAL with no reply; the others succeed with the right
// payload), and so do the server's (a new connection after GOAWAY, every
// PING acknowledged, never two streams at once under a limit of one).
func TestNegativeCases(t *testing.T) {
	for _, c := range http2server.Cases() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			got := runCase(t, c, string(c))
			if got.clientErr != nil {
				t.Errorf("client: %v", got.clientErr)
			}
			if err := got.report.Verdict(); err != nil {
				t.Errorf("server: %v", err)
			}
		})
	}
}

// TestCaseDetails checks what the verdicts do not: how many streams each
// case took, and that the goaway and max_streams cases were not passed
// vacuously.
func TestCaseDetails(t *testing.T) {
	t.Run("goaway", func(t *testing.T) {
		t.Parallel()
		got := runCase(t, http2server.GoAway, "goaway")
		if got.clientErr != nil {
			t.Fatalf("client: %v", got.clientErr)
		}
		// A second call that raced the GOAWAY is ignored on the old
		// connection and retried on a new one: at most one such stream.
		if n := len(got.report.IgnoredAfterGoAway); n > 1 {
			t.Errorf("%d streams were opened after the GOAWAY on its connection, want at most 1: %v", n, got.report.IgnoredAfterGoAway)
		}
		// One connection per call; a third may open after the second
		// GOAWAY, as actorpc's pick_first reconnects at once (grpc-go's
		// waits for the next call), but no more.
		if got.report.Conns < 2 || got.report.Conns > 3 {
			t.Errorf("the client made %d connections, want 2 (or 3)", got.report.Conns)
		}
	})
	t.Run("goaway_racing", func(t *testing.T) {
		t.Parallel()
		// The second call crosses the GOAWAY: the server ignores it on the
		// old connection, and the client must retry it on a new one.
		got := runCase(t, http2server.GoAwayRacing, "goaway")
		if got.clientErr != nil {
			t.Errorf("client: %v", got.clientErr)
		}
		if err := got.report.Verdict(); err != nil {
			t.Errorf("server: %v", err)
		}
	})
	t.Run("max_streams", func(t *testing.T) {
		t.Parallel()
		got := runCase(t, http2server.MaxStreams, "max_streams")
		if got.clientErr != nil {
			t.Fatalf("client: %v", got.clientErr)
		}
		if n := len(got.report.Calls); n != 1+concurrentCalls {
			t.Errorf("the server took %d calls, want %d", n, 1+concurrentCalls)
		}
		if got.report.MaxActive != 1 {
			t.Errorf("at most %d streams were open at once, want 1", got.report.MaxActive)
		}
	})
	t.Run("rst_cases_take_one_stream", func(t *testing.T) {
		t.Parallel()
		for _, c := range []http2server.Case{http2server.RstAfterHeader, http2server.RstDuringData, http2server.RstAfterData} {
			got := runCase(t, c, string(c))
			// A reset is not retried: exactly one stream.
			if n := len(got.report.Calls); n != 1 {
				t.Errorf("%s: the server saw %d calls, want 1: %v", c, n, got.report.Calls)
			}
		}
	})
}

// TestAssertionsCanFail runs cases against servers that break what the
// case checks, to show each assertion fails when it should.
func TestAssertionsCanFail(t *testing.T) {
	clientFails := []struct {
		server     http2server.Case
		clientCase string
		want       string // in the client's error
	}{
		// A server that answers in full: the rst cases must notice the
		// call succeeded.
		{http2server.WellBehaved, "rst_after_header", "UnaryCall succeeded"},
		{http2server.WellBehaved, "rst_during_data", "UnaryCall succeeded"},
		{http2server.WellBehaved, "rst_after_data", "UnaryCall succeeded"},
		// A short payload: the cases that must succeed check the size.
		{http2server.ShortPayload, "goaway", "payload of 1024 bytes, want 314159"},
		{http2server.ShortPayload, "ping", "payload of 1024 bytes, want 314159"},
		{http2server.ShortPayload, "max_streams", "payload of 1024 bytes, want 314159"},
		// A reset where success is expected.
		{http2server.RstAfterData, "ping", "RST_STREAM"},
	}
	for _, tc := range clientFails {
		t.Run("client/"+tc.clientCase+"_vs_"+string(tc.server), func(t *testing.T) {
			t.Parallel()
			got := runCase(t, tc.server, tc.clientCase)
			if got.clientErr == nil || !strings.Contains(got.clientErr.Error(), tc.want) {
				t.Errorf("client error %v, want one containing %q", got.clientErr, tc.want)
			}
		})
	}

	serverFails := []struct {
		server     http2server.Case
		clientCase string
		want       string // in the server's verdict
	}{
		// No GOAWAY: the second call rightly stays on the first
		// connection, which the goaway verdict must catch.
		{http2server.WellBehaved, "goaway", "the second call came on connection 1"},
		// A PING sent with the ACK flag must go unanswered: owed.
		{http2server.PingAckOnly, "ping", "1 of 5 PINGs unacknowledged"},
		// No limit announced: the client may and does open streams at
		// once, which the max_streams verdict must catch.
		{http2server.MaxStreamsUnannounced, "max_streams", "streams open at once"},
	}
	for _, tc := range serverFails {
		t.Run("server/"+tc.clientCase+"_vs_"+string(tc.server), func(t *testing.T) {
			t.Parallel()
			got := runCase(t, tc.server, tc.clientCase)
			if got.clientErr != nil {
				t.Errorf("client: %v; want success, the server is the one to object", got.clientErr)
			}
			err := got.report.Verdict()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("server verdict %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestUnknownCase: a case the client does not know is an error naming the
// ones it does.
func TestUnknownCase(t *testing.T) {
	err := run(context.Background(), "127.0.0.1:1", "no_such_case", "")
	if err == nil || !strings.Contains(err.Error(), "rst_during_data") {
		t.Fatalf("run of an unknown case: %v, want an error listing the cases", err)
	}
}

// TestBinaryExitStatus runs the client as a process with grpc-go's flags:
// exit 0 and PASS on a pass, non-zero and FAIL with the reason on a
// failure; --server_host_override sets :authority, --use_tls is refused.
func TestBinaryExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name       string
		server     http2server.Case
		clientCase string
		flags      []string
		wantOK     bool
		want       string
	}{
		{"pass", http2server.RstAfterData, "rst_after_data", nil, true, "PASS: rst_after_data"},
		{"fail", http2server.WellBehaved, "rst_after_data", nil, false, "FAIL: rst_after_data: UnaryCall succeeded"},
		{"host_override", http2server.Ping, "ping", []string{"--server_host_override", "foo.test.google.fr"}, true, "PASS: ping"},
		{"use_tls", http2server.Ping, "ping", []string{"--use_tls"}, false, "FAIL: ping: --use_tls is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := http2server.Start(tc.server)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), caseBound)
			defer cancel()
			args := append([]string{"--server_host", "127.0.0.1", "--server_port", strconv.Itoa(srv.Port()), "--test_case", tc.clientCase}, tc.flags...)
			cmd := exec.CommandContext(ctx, os.Args[0], args...)
			// Under -race a process that exits 0 sleeps a second first,
			// unless told not to.
			cmd.Env = append(os.Environ(), runAsClientEnv+"=1", "GORACE=atexit_sleep_ms=0")
			out, err := cmd.CombinedOutput()
			shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), shutdownBound)
			defer cancelShutdown()
			report := srv.Shutdown(shutdownCtx)
			wantAuthority := "127.0.0.1:" + strconv.Itoa(srv.Port())
			if len(tc.flags) == 2 && tc.flags[0] == "--server_host_override" {
				wantAuthority = tc.flags[1]
			}
			for _, call := range report.Calls {
				if call.Authority != wantAuthority {
					t.Errorf("call %v: :authority %q, want %q", call, call.Authority, wantAuthority)
				}
			}
			if ctx.Err() != nil {
				t.Fatalf("the client process hung: %v\n%s", ctx.Err(), out)
			}
			if ok := err == nil; ok != tc.wantOK {
				t.Errorf("exit: %v, want success %v\n%s", err, tc.wantOK, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output %q, want it to contain %q", out, tc.want)
			}
		})
	}
}
