package retry

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
)

// wantStreams checks how many streams the raw server saw and that the
// first `refused` of them were refused.
func wantStreams(t *testing.T, s *refusingServer, want, refused int) {
	t.Helper()
	seen := s.seen()
	if len(seen) != want {
		t.Fatalf("the server saw %d streams (%+v), want %d", len(seen), seen, want)
	}
	for i, st := range seen {
		if st.refused != (i < refused) {
			t.Errorf("stream %d refused = %t, want %t", i, st.refused, i < refused)
		}
	}
}

// TestTransparentRetry: a stream the server refused with REFUSED_STREAM
// never reached its application, so the client retries it once at once
// (A6's transparent retry), without a retry policy and even with retries
// disabled.
func TestTransparentRetry(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []rpc.DialOption
	}{
		{"NoServiceConfig", nil},
		{"RetryDisabled", []rpc.DialOption{rpc.WithDefaultServiceConfig(briefConfig), rpc.WithDisableRetry()}},
	} {
		t.Run(tc.name+"/Unary", func(t *testing.T) {
			s := startRefusingServer(t, 1)
			cc := dial(t, s.addr(), tc.opts...)
			resp, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "refused once"})
			if err != nil {
				t.Fatalf("UnaryEcho refused once with REFUSED_STREAM: %v, want success after a transparent retry", err)
			}
			if resp.GetMessage() != "refused once" {
				t.Errorf("response %q", resp.GetMessage())
			}
			wantStreams(t, s, 2, 1)
		})
		t.Run(tc.name+"/ServerStreaming", func(t *testing.T) {
			s := startRefusingServer(t, 1)
			cc := dial(t, s.addr(), tc.opts...)
			stream, err := echopb.NewEchoClient(cc).ServerStreamingEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "refused once"})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := stream.Recv()
			if err != nil {
				t.Fatalf("Recv on a server-streaming call refused once with REFUSED_STREAM: %v, want the response after a transparent retry", err)
			}
			if resp.GetMessage() != "refused once" {
				t.Errorf("response %q", resp.GetMessage())
			}
			if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
				t.Errorf("second Recv: %v, want io.EOF", err)
			}
			wantStreams(t, s, 2, 1)
		})
	}
}

// TestTransparentRetryOnlyOnce: the transparent retry happens once per
// call; a second refusal ends a call without a retry policy, and is left
// to the policy when there is one.
func TestTransparentRetryOnlyOnce(t *testing.T) {
	t.Run("NoPolicy", func(t *testing.T) {
		s := startRefusingServer(t, 2)
		cc := dial(t, s.addr())
		_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "refused twice"})
		wantCode(t, err, codes.Unavailable)
		wantStreams(t, s, 2, 2)
	})
	t.Run("Policy", func(t *testing.T) {
		s := startRefusingServer(t, 2)
		cc := dial(t, s.addr(), rpc.WithDefaultServiceConfig(briefConfig))
		if _, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "refused twice"}); err != nil {
			t.Fatalf("UnaryEcho refused twice, with a retry policy for UNAVAILABLE: %v, want success", err)
		}
		wantStreams(t, s, 3, 2)
	})
}

// TestDisableRetryStopsPolicyRetries: WithDisableRetry turns the service
// config's retry policy off: an UNAVAILABLE call is attempted once.
func TestDisableRetryStopsPolicyRetries(t *testing.T) {
	b := failFirst(1)
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig), rpc.WithDisableRetry())
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "disabled"})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("disabled")); got != 1 {
		t.Fatalf("with retries disabled the server saw %d attempts, want 1", got)
	}
}
