package main

import (
	"net"
	"strings"
	"testing"
)

func TestCallEveryMethod(t *testing.T) {
	addr := startServer(t)
	for _, tc := range []struct {
		name, method string
		msgs         []string
		want         string
	}{
		{"unary", "unary", []string{"hello", "big world"}, "hello big world\n"},
		{"unary empty", "unary", nil, "\n"},
		{"server", "server", []string{"hello", "big  world"}, "hello\nbig\nworld\n"},
		{"server no words", "server", nil, ""},
		{"client", "client", []string{"a", "b c", "ü"}, "a b c ü\n"},
		{"client no messages", "client", nil, "\n"},
		{"bidi", "bidi", []string{"a", "b c", "ü"}, "a\nb c\nü\n"},
		{"bidi no messages", "bidi", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, callArgs(addr, tc.method, []string{"--header", "x-echo-ignored=1"}, tc.msgs...)...)
			if r != (result{stdout: tc.want}) {
				t.Errorf("got stdout %q, stderr %q, exit %d; want stdout %q, exit 0", r.stdout, r.stderr, r.code, tc.want)
			}
		})
	}
}

// TestCallStatusMessageBin sends a non-ASCII status message as binary
// metadata; it must reach the client's stderr intact, after the responses
// on stdout.
func TestCallStatusMessageBin(t *testing.T) {
	const msg = "échec ✗ 失败 100%"
	addr := startServer(t)
	flags := []string{"--header", "echo-status=9", "--header", "echo-status-message-bin=" + msg}
	for _, tc := range []struct {
		method string
		stdout string
	}{
		{"unary", ""},
		{"server", "a\nb\n"},
		{"client", ""},
		{"bidi", "a\nb\n"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, callArgs(addr, tc.method, flags, "a", "b")...)
			want := result{stdout: tc.stdout, stderr: "FailedPrecondition: " + msg + "\n", code: 1}
			if r != want {
				t.Errorf("got %v, want %v", r, want)
			}
		})
	}
}

func TestCallInvalidControlIsInvalidArgument(t *testing.T) {
	addr := startServer(t)
	r := runEcho(t, callArgs(addr, "unary", []string{"--header", "echo-status=NotFound"}, "x")...)
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "InvalidArgument: echo-status") {
		t.Errorf("got %v, want exit 1 and stderr \"InvalidArgument: echo-status...\"", r)
	}
}

// TestCallDeadline delays the response past the client's timeout. The
// server's graceful exit at cleanup also shows the handler stopped waiting.
func TestCallDeadline(t *testing.T) {
	addr := startServer(t)
	flags := []string{"--header", "echo-delay-ms=60000", "--timeout", "200ms"}
	for _, method := range []string{"unary", "server", "client", "bidi"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, callArgs(addr, method, flags, "x")...)
			if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "DeadlineExceeded: ") {
				t.Errorf("got %v, want exit 1 and stderr \"DeadlineExceeded: ...\"", r)
			}
		})
	}
}

func TestCallUnreachableServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	r := runEcho(t, callArgs(addr, "unary", nil, "x")...)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "Unavailable: ") {
		t.Errorf("got %v, want exit 1 and stderr \"Unavailable: ...\"", r)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"unknown command", []string{"frobnicate"}},
		{"call without flags", []string{"call", "x"}},
		{"call without addr", []string{"call", "--method", "unary", "x"}},
		{"call without method", []string{"call", "--addr", "127.0.0.1:1", "x"}},
		{"call unknown method", []string{"call", "--addr", "127.0.0.1:1", "--method", "nope"}},
		{"call unknown flag", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--bogus"}},
		{"header without value", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--header", "x-echo-a"}},
		{"header bad key", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--header", "bad key=v"}},
		{"header non-ASCII value", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--header", "x-echo-a=ü"}},
		{"header reserved key", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--header", "grpc-timeout=1S"}},
		{"negative timeout", []string{"call", "--addr", "127.0.0.1:1", "--method", "unary", "--timeout", "-1s"}},
		{"serve extra argument", []string{"serve", "extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, tc.args...)
			if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "usage: echo") {
				t.Errorf("got %v, want exit 2 and usage on stderr", r)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"call", "-h"}, {"serve", "--help"}} {
		r := runEcho(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "usage: echo") {
			t.Errorf("echo %q: got %v, want exit 0 and usage", args, r)
		}
	}
}

func TestServeBadAddress(t *testing.T) {
	r := runEcho(t, "serve", "--addr", "127.0.0.1:notaport")
	if r.code != 1 || !strings.Contains(r.stderr, "listen on 127.0.0.1:notaport") {
		t.Errorf("got %v, want exit 1 and the listen error", r)
	}
}

// TestDemo runs the command without arguments: an in-process server and a
// client making every kind of call, with echoed metadata.
func TestDemo(t *testing.T) {
	r := runEcho(t)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want exit 0 and no stderr", r.code, r.stderr)
	}
	for _, want := range []string{
		"unary  > hello\n",
		"unary  < hello\n",
		"unary    header x-echo-demo: actorpc\n",
		"unary    trailer x-echo-demo: actorpc\n",
		"server > one response per word\n",
		"server < one\n",
		"server < word\n",
		"server   trailer x-echo-demo: actorpc\n",
		"client > several\n",
		"client < several requests, one response\n",
		"client   header x-echo-demo: actorpc\n",
		"bidi   > ping\n",
		"bidi   < ping\n",
		"bidi   < pong\n",
		"bidi     trailer x-echo-demo: actorpc\n",
		"server stopped\n",
		"tls    < hello over TLS, gzip-compressed\n",
		"tls server stopped\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q; got:\n%s", want, r.stdout)
		}
	}
}
