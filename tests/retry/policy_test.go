package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// failFirst fails the first n attempts of every call with UNAVAILABLE,
// then echoes.
func failFirst(n int) *backend {
	return &backend{unary: func(_ context.Context, req *echopb.EchoRequest, i int) (*echopb.EchoResponse, error) {
		if i < n {
			return nil, unavailable(i)
		}
		return &echopb.EchoResponse{Message: req.GetMessage()}, nil
	}}
}

// TestRetryPolicySucceedsAfterFailures: a call whose first N attempts fail
// with a retryable code succeeds on attempt N+1 when N+1 <= maxAttempts,
// each attempt telling the server how many came before it.
func TestRetryPolicySucceedsAfterFailures(t *testing.T) {
	for _, failures := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("failures=%d", failures), func(t *testing.T) {
			b := failFirst(failures)
			cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
			key := fmt.Sprintf("succeeds-after-%d", failures)
			resp, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: key})
			if err != nil {
				t.Fatalf("UnaryEcho failed after %d UNAVAILABLE attempts (maxAttempts 4): %v", failures, err)
			}
			if resp.GetMessage() != key {
				t.Errorf("response %q, want %q", resp.GetMessage(), key)
			}
			seen := b.seen(key)
			if len(seen) != failures+1 {
				t.Fatalf("server saw %d attempts, want %d", len(seen), failures+1)
			}
			wantPrevious(t, seen)
		})
	}
}

// TestRetryPolicyGivesUpAtMaxAttempts: a call that keeps failing makes
// exactly maxAttempts attempts and ends with the last attempt's status.
func TestRetryPolicyGivesUpAtMaxAttempts(t *testing.T) {
	b := failFirst(1 << 30)
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "always-fails"})
	wantCode(t, err, codes.Unavailable)
	if got, want := status.Convert(err).Message(), "attempt 3 unavailable"; got != want {
		t.Errorf("status message %q, want the last attempt's %q", got, want)
	}
	seen := b.seen("always-fails")
	if len(seen) != 4 {
		t.Fatalf("server saw %d attempts, want maxAttempts = 4", len(seen))
	}
	wantPrevious(t, seen)
}

// TestRetryPolicyMaxAttemptsCappedAtFive: A6 caps maxAttempts at 5 on the
// client whatever the config says.
func TestRetryPolicyMaxAttemptsCappedAtFive(t *testing.T) {
	b := failFirst(1 << 30)
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(policyConfig(9, "0.001s", "0.005s", 2)))
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "capped"})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("capped")); got != 5 {
		t.Fatalf("with maxAttempts 9 the server saw %d attempts, want the cap of 5", got)
	}
}

// TestRetryPolicyNonRetryableCode: a status not in retryableStatusCodes
// ends the call at once.
func TestRetryPolicyNonRetryableCode(t *testing.T) {
	b := &backend{unary: func(context.Context, *echopb.EchoRequest, int) (*echopb.EchoResponse, error) {
		return nil, status.Error(codes.Internal, "not retryable")
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "internal"})
	wantCode(t, err, codes.Internal)
	if got := len(b.seen("internal")); got != 1 {
		t.Fatalf("server saw %d attempts of a call failing with INTERNAL, want 1", got)
	}
}

// TestRetryPolicyCommittedAfterHeaders: once response headers arrived the
// call is committed (A6), so a retryable status after them is final.
func TestRetryPolicyCommittedAfterHeaders(t *testing.T) {
	b := &backend{unary: func(ctx context.Context, _ *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		if err := rpc.SendHeader(ctx, metadata.Pairs("x-attempt", fmt.Sprint(n))); err != nil {
			return nil, err
		}
		return nil, unavailable(n)
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	var header metadata.MD
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "committed"}, rpc.Header(&header))
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("committed")); got != 1 {
		t.Fatalf("server saw %d attempts of a call that sent headers before failing, want 1 (committed)", got)
	}
	if got := header.Get("x-attempt"); len(got) != 1 || got[0] != "0" {
		t.Errorf("response header x-attempt = %q, want [\"0\"]", got)
	}
}

// TestRetryPolicyPushback: grpc-retry-pushback-ms in the trailers. A
// negative or malformed value says "do not retry"; a positive one is the
// delay before the next attempt, instead of the backoff.
func TestRetryPolicyPushback(t *testing.T) {
	pushback := func(value string) *backend {
		return &backend{unary: func(ctx context.Context, req *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
			if n > 0 {
				return &echopb.EchoResponse{Message: req.GetMessage()}, nil
			}
			if err := rpc.SetTrailer(ctx, metadata.Pairs("grpc-retry-pushback-ms", value)); err != nil {
				return nil, err
			}
			return nil, unavailable(n)
		}}
	}
	for _, value := range []string{"-1", "not-a-number"} {
		t.Run("stop="+value, func(t *testing.T) {
			b := pushback(value)
			cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
			var trailer metadata.MD
			_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "pushback"}, rpc.Trailer(&trailer))
			wantCode(t, err, codes.Unavailable)
			if got := trailer.Get("grpc-retry-pushback-ms"); len(got) != 1 || got[0] != value {
				t.Fatalf("client got trailer grpc-retry-pushback-ms %q, want [%q]: the test's premise fails", got, value)
			}
			if got := len(b.seen("pushback")); got != 1 {
				t.Fatalf("server saw %d attempts after pushback %q, want 1 (no retry)", got, value)
			}
		})
	}
	t.Run("delay=150", func(t *testing.T) {
		// The policy's first backoff is under 10 ms; the pushback's 150 ms
		// must win.
		b := pushback("150")
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
		if _, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "pushback"}); err != nil {
			t.Fatalf("UnaryEcho after a 150 ms pushback: %v, want success on the second attempt", err)
		}
		seen := b.seen("pushback")
		if len(seen) != 2 {
			t.Fatalf("server saw %d attempts, want 2", len(seen))
		}
		if gap := seen[1].at.Sub(seen[0].at); gap < 150*time.Millisecond {
			t.Errorf("the retry came %v after the attempt that pushed back 150 ms", gap)
		}
	})
}

// TestRetryPolicyServerStreaming: a server-streaming call that fails
// before its first response is retried, replaying its request; one that
// failed after a response is committed.
func TestRetryPolicyServerStreaming(t *testing.T) {
	b := &backend{serverStream: func(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer, n int) error {
		words := strings.Fields(req.GetMessage())
		switch {
		case words[0] == "before" && n < 2:
			return unavailable(n)
		case words[0] == "after":
			if err := s.Send(&echopb.EchoResponse{Message: words[0]}); err != nil {
				return err
			}
			return unavailable(n)
		}
		for _, w := range words {
			if err := s.Send(&echopb.EchoResponse{Message: w}); err != nil {
				return err
			}
		}
		return nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	client := echopb.NewEchoClient(cc)

	t.Run("FailsBeforeFirstResponse", func(t *testing.T) {
		const msg = "before one two three"
		stream, err := client.ServerStreamingEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: msg})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Recv after %q: %v; want the third attempt's responses", got, err)
			}
			got = append(got, resp.GetMessage())
		}
		if strings.Join(got, " ") != msg {
			t.Errorf("received %q, want %q", got, msg)
		}
		seen := b.seen(msg)
		if len(seen) != 3 {
			t.Fatalf("server saw %d attempts, want 3", len(seen))
		}
		wantPrevious(t, seen)
	})
	t.Run("FailsAfterFirstResponse", func(t *testing.T) {
		const msg = "after the first"
		stream, err := client.ServerStreamingEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: msg})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil || resp.GetMessage() != "after" {
			t.Fatalf("first Recv = %v, %v; want \"after\"", resp, err)
		}
		_, err = stream.Recv()
		wantCode(t, err, codes.Unavailable)
		if got := len(b.seen(msg)); got != 1 {
			t.Fatalf("server saw %d attempts of a stream that failed after a response, want 1", got)
		}
	})
}

// TestRetryPolicyBackoff: the delays between attempts follow the policy's
// backoff. Each delay is drawn from [0, bound), bound growing from
// initialBackoff by backoffMultiplier, so only statistical lower bounds
// hold: 20 calls each make 4 attempts (bounds 20, 80 and 320 ms before
// the 2nd, 3rd and 4th). Were the backoff not growing, no delay before a
// 4th attempt could reach 20 ms, nor could their sum reach 400 ms; with
// growth their sum averages 3.2 s and falls under 400 ms with probability
// about 1e-17. The delays before 2nd attempts (mean 10 ms each) must sum
// to at least 50 ms (probability of less: about 1e-10).
func TestRetryPolicyBackoff(t *testing.T) {
	const calls = 20
	b := failFirst(3)
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(policyConfig(4, "0.02s", "1s", 4)))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 20*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: fmt.Sprint("backoff-", i)}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a call failed: %v; want success on the 4th attempt", err)
	}
	var first, last time.Duration
	for i := range calls {
		seen := b.seen(fmt.Sprint("backoff-", i))
		if len(seen) != 4 {
			t.Fatalf("call %d: server saw %d attempts, want 4", i, len(seen))
		}
		first += seen[1].at.Sub(seen[0].at)
		last += seen[3].at.Sub(seen[2].at)
	}
	if first < 50*time.Millisecond {
		t.Errorf("the delays before 2nd attempts sum to %v over %d calls, want at least 50 ms (mean 200 ms)", first, calls)
	}
	if last < 400*time.Millisecond {
		t.Errorf("the delays before 4th attempts sum to %v over %d calls, want at least 400 ms (mean 3.2 s): the backoff does not grow", last, calls)
	}
}

// TestRetryDeadlineSpansAttempts: the call's deadline bounds all its
// attempts together (A6): a deadline that passes while the call waits to
// retry ends the call, with DeadlineExceeded as grpc-go and grpc-java
// report it, and no attempt starts after it.
func TestRetryDeadlineSpansAttempts(t *testing.T) {
	b := &backend{unary: func(ctx context.Context, _ *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		if err := rpc.SetTrailer(ctx, metadata.Pairs("grpc-retry-pushback-ms", "200")); err != nil {
			return nil, err
		}
		return nil, unavailable(n)
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	start := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(300*time.Millisecond))
	defer cancel()
	_, err := echopb.NewEchoClient(cc).UnaryEcho(ctx, &echopb.EchoRequest{Message: "deadline"})
	elapsed := time.Since(start)
	// Attempts at 0 and 200 ms; the deadline passes during the second
	// 200 ms pushback.
	if got := len(b.seen("deadline")); got != 2 {
		t.Errorf("the server saw %d attempts, want 2 (at 0 and 200 ms of a 300 ms deadline)", got)
	}
	if elapsed < 300*time.Millisecond {
		t.Errorf("the call ended after %v, before its 300 ms deadline", elapsed)
	}
	wantCode(t, err, codes.DeadlineExceeded)
}
