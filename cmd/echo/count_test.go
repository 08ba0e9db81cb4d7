package main

import (
	"context"
	"testing"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestCallCountStopsAtFirstFailure makes a server refuse the second call
// of three: the first call's response is printed, then the status, and
// the third call is never made.
func TestCallCountStopsAtFirstFailure(t *testing.T) {
	for _, method := range []string{"unary", "server", "client", "bidi"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			s := newTestServer("refuses-second")
			s.before = func(_ context.Context, call int64) error {
				if call == 2 {
					return status.Error(codes.Aborted, "test server refuses call 2")
				}
				return nil
			}
			s.start(t, "tcp", "127.0.0.1:0")
			r := runEcho(t, "call", "--target", s.addr, "--count", "3", "--method", method, "x")
			want := result{stdout: "x\n", stderr: "Aborted: test server refuses call 2\n", code: 1}
			if r != want {
				t.Errorf("got %v, want %v", r, want)
			}
			if got := s.calls.Load(); got != 2 {
				t.Errorf("server got %d calls, want 2: none after the failed one", got)
			}
		})
	}
}
