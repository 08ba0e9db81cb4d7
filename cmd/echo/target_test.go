package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCallTargetSchemes reaches one server through each kind of target
// that names a TCP address.
func TestCallTargetSchemes(t *testing.T) {
	addr := startServer(t)
	for _, target := range []string{addr, "dns:///" + addr, "passthrough:///" + addr, "static:///" + addr} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, "call", "--target", target, "--method", "unary", "hello")
			if want := (result{stdout: "hello\n"}); r != want {
				t.Errorf("got %v, want %v", r, want)
			}
		})
	}
}

// TestCallUnixTarget calls a server listening on a unix socket, with
// every kind of call.
func TestCallUnixTarget(t *testing.T) {
	s := newTestServer("unix")
	s.start(t, "unix", filepath.Join(t.TempDir(), "echo.sock"))
	for _, tc := range []struct{ method, want string }{
		{"unary", "a b\n"},
		{"server", "a\nb\n"},
		{"client", "a b\n"},
		{"bidi", "a\nb\n"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, "call", "--target", "unix://"+s.addr, "--method", tc.method, "a", "b")
			if want := (result{stdout: tc.want}); r != want {
				t.Errorf("got %v, want %v", r, want)
			}
		})
	}
}

// TestCallRoundRobinReachesEveryServer makes calls one after the other on
// one channel to a static list of two servers: round_robin must send calls
// to both, taking turns once both are READY.
//
// A server becoming READY is invisible to the servers, and round_robin
// rightly sends every call to the only READY one until the other is, so
// the first calls may all go to one server. waitHandshakes makes the first
// call wait until both servers have answered their connection; the rest
// of the client's work took up to 7 calls in 200 runs under -race and
// load, hence 30 calls rather than a handful.
func TestCallRoundRobinReachesEveryServer(t *testing.T) {
	const calls = 30
	a, b := newTestServer("a"), newTestServer("b")
	a.before, b.before = waitHandshakes(a, b), waitHandshakes(a, b)
	a.start(t, "tcp", "127.0.0.1:0")
	b.start(t, "tcp", "127.0.0.1:0")
	r := runEcho(t, "call", "--target", "static:///"+a.addr+","+b.addr, "--lb", "round_robin",
		"--count", strconv.Itoa(calls), "--show-headers", "--timeout", "20s", "--method", "unary", "x")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("got %v, want exit 0 and no stderr", r)
	}
	var answered []string // the server of each call, in order
	responses := 0
	for _, line := range strings.Split(r.stdout, "\n") {
		if name, ok := strings.CutPrefix(line, serverKey+": "); ok {
			answered = append(answered, name)
		}
		if line == "x" {
			responses++
		}
	}
	if responses != calls || len(answered) != calls {
		t.Fatalf("stdout has %d responses and names %d servers, want %d of each:\n%s", responses, len(answered), calls, r.stdout)
	}
	seq := strings.Join(answered, "")
	second := strings.IndexFunc(seq, func(c rune) bool { return c != rune(seq[0]) })
	if second < 0 {
		t.Fatalf("all %d calls went to server %c, want both servers reached", calls, seq[0])
	}
	for i := second; i < len(seq); i++ {
		if seq[i] == seq[i-1] {
			t.Errorf("calls went to servers %s: want them taking turns from call %d on, when both were READY", seq, second+1)
			break
		}
	}
	if a.calls.Load()+b.calls.Load() != calls {
		t.Errorf("servers a and b got %d and %d calls, want %d in all", a.calls.Load(), b.calls.Load(), calls)
	}
}

// TestCallPickFirstStaysOnOneServer is the counterpart of the round_robin
// test: without --lb the channel keeps to the first server that works,
// so the spread there is --lb's doing.
func TestCallPickFirstStaysOnOneServer(t *testing.T) {
	a, b := newTestServer("a"), newTestServer("b")
	a.start(t, "tcp", "127.0.0.1:0")
	b.start(t, "tcp", "127.0.0.1:0")
	r := runEcho(t, "call", "--target", "static:///"+a.addr+","+b.addr, "--count", "4", "--method", "unary", "x")
	if want := (result{stdout: strings.Repeat("x\n", 4)}); r != want {
		t.Fatalf("got %v, want %v", r, want)
	}
	if a.calls.Load() != 4 || b.calls.Load() != 0 {
		t.Errorf("servers a and b got %d and %d calls, want 4 and 0", a.calls.Load(), b.calls.Load())
	}
}
