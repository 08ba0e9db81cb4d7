package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// throttled is a backend whose answer depends on the request message's
// prefix: "fail" always fails UNAVAILABLE, "internal" fails INTERNAL,
// "stop" fails INTERNAL with pushback -1 (do not retry), anything else
// succeeds.
func throttled() *backend {
	return &backend{unary: func(ctx context.Context, req *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		switch m := req.GetMessage(); {
		case strings.HasPrefix(m, "fail"):
			return nil, unavailable(n)
		case strings.HasPrefix(m, "internal"):
			return nil, status.Error(codes.Internal, "internal")
		case strings.HasPrefix(m, "stop"):
			if err := rpc.SetTrailer(ctx, metadata.Pairs("grpc-retry-pushback-ms", "-1")); err != nil {
				return nil, err
			}
			return nil, status.Error(codes.Internal, "internal, do not retry")
		default:
			return &echopb.EchoResponse{Message: m}, nil
		}
	}}
}

// throttleRun makes calls one at a time on one channel and checks what
// the server saw of each.
type throttleRun struct {
	t      *testing.T
	b      *backend
	client echopb.EchoClient
	ctx    context.Context
	calls  int
	tokens string // the expected token count, for messages
}

func newThrottleRun(t *testing.T, config string) *throttleRun {
	b := throttled()
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(config))
	return &throttleRun{t: t, b: b, client: echopb.NewEchoClient(cc), ctx: callContext(t, 30*time.Second), tokens: "10"}
}

// fail makes one call that the server fails with UNAVAILABLE on every
// attempt and checks the server saw want attempts of it.
func (r *throttleRun) fail(want int, tokensAfter string) {
	r.t.Helper()
	r.failWith("fail", codes.Unavailable, want, tokensAfter)
}

func (r *throttleRun) failWith(prefix string, code codes.Code, want int, tokensAfter string) {
	r.t.Helper()
	r.calls++
	key := fmt.Sprintf("%s-%d", prefix, r.calls)
	_, err := r.client.UnaryEcho(r.ctx, &echopb.EchoRequest{Message: key})
	if status.Code(err) != code {
		r.t.Fatalf("call %d (%s): %v, want code %v", r.calls, key, err, code)
	}
	if got := len(r.b.seen(key)); got != want {
		r.t.Fatalf("call %d (%s) with %s tokens: the server saw %d attempts, want %d", r.calls, key, r.tokens, got, want)
	}
	r.tokens = tokensAfter
}

// succeed makes n successful calls.
func (r *throttleRun) succeed(n int, tokensAfter string) {
	r.t.Helper()
	for range n {
		r.calls++
		key := fmt.Sprintf("ok-%d", r.calls)
		if _, err := r.client.UnaryEcho(r.ctx, &echopb.EchoRequest{Message: key}); err != nil {
			r.t.Fatalf("call %d (%s): %v, want success", r.calls, key, err)
		}
	}
	r.tokens = tokensAfter
}

// TestThrottleStopsAndResumesRetries follows A6's token bucket exactly
// (maxTokens 10, tokenRatio 0.1, maxAttempts 4), as grpc-go implements
// it: every attempt failing with a retryable code takes a token before
// the throttle is asked; a retry is allowed only while tokens > 5; every
// success gives back 0.1; the count stays within [0, 10].
func TestThrottleStopsAndResumesRetries(t *testing.T) {
	r := newThrottleRun(t, briefConfig)
	// Non-retryable failures are not counted (A6: only retryable codes).
	r.failWith("internal", codes.Internal, 1, "10")
	r.failWith("internal", codes.Internal, 1, "10")
	r.failWith("internal", codes.Internal, 1, "10")
	// 10 -> 9, 8, 7 (retries allowed) -> 6 (maxAttempts reached).
	r.fail(4, "6")
	// 6 -> 5: not above half, no retry.
	r.fail(1, "5")
	// 10 successes: exactly 6.0; a failure takes it to 5.0, which is not
	// above 5: still no retry.
	r.succeed(10, "6")
	r.fail(1, "5")
	// 11 successes: 6.1 -> 5.1 allows one retry -> 4.1 stops.
	r.succeed(11, "6.1")
	r.fail(2, "4.1")
	// 39 successes: 8.0 -> 7, 6 (retries) -> 5 stops.
	r.succeed(39, "8")
	r.fail(3, "5")
	// Seven failures: 5 -> 0, and it stays at 0.
	for _, after := range []string{"4", "3", "2", "1", "0", "0", "0"} {
		r.fail(1, after)
	}
	// From 0 (not below), 61 successes make 6.1: one retry again.
	r.succeed(61, "6.1")
	r.fail(2, "4.1")
	// Successes cannot take the count above maxTokens: 200 successes
	// make 10 (not 24.1), so the next failing call retries three times
	// (9, 8, 7, then 6 at maxAttempts) and the one after only once
	// (6 -> 5).
	r.succeed(200, "10")
	r.fail(4, "6")
	r.fail(1, "5")
}

// refill makes 11 successful calls of another kind than unary: from 5
// tokens they make 6.1, so the next failing unary call is retried once.
func (r *throttleRun) refillWith(call func(i int) error) {
	r.t.Helper()
	r.fail(4, "6")
	r.fail(1, "5")
	for i := range 11 {
		if err := call(i); err != nil {
			r.t.Fatalf("successful call %d: %v", i, err)
		}
	}
	r.tokens = "6.1"
	r.fail(2, "4.1")
}

// TestThrottleCountsSuccessesOfEveryMethod: A6 says every RPC on the
// channel, "regardless of service or method invoked", gives back
// tokenRatio when it succeeds (grpc-go counts every successful call).
// Here successes of ServerStreamingEcho, which has a method config of its
// own without a retry policy, must refill the bucket that failing unary
// calls drained.
func TestThrottleCountsSuccessesOfEveryMethod(t *testing.T) {
	config := `{"methodConfig":[` +
		`{"name":[{"service":"grpc.examples.echo.Echo"}],"retryPolicy":{"maxAttempts":4,"initialBackoff":"0.01s","maxBackoff":"0.05s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}},` +
		`{"name":[{"service":"grpc.examples.echo.Echo","method":"ServerStreamingEcho"}],"waitForReady":false}` +
		`],"retryThrottling":{"maxTokens":10,"tokenRatio":0.1}}`
	r := newThrottleRun(t, config)
	r.refillWith(func(i int) error {
		stream, err := r.client.ServerStreamingEcho(r.ctx, &echopb.EchoRequest{Message: fmt.Sprint("words of call ", i)})
		if err != nil {
			return err
		}
		for {
			if _, err := stream.Recv(); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
		}
	})
}

// TestThrottleCountsClientStreamingSuccesses: a client-streaming call
// (one response) of a method with the retry policy that succeeds gives
// back tokenRatio like any other.
func TestThrottleCountsClientStreamingSuccesses(t *testing.T) {
	r := newThrottleRun(t, briefConfig)
	r.refillWith(func(i int) error {
		stream, err := r.client.ClientStreamingEcho(r.ctx)
		if err != nil {
			return err
		}
		if err := stream.Send(&echopb.EchoRequest{Message: fmt.Sprint("word-", i)}); err != nil {
			return err
		}
		resp, err := stream.CloseAndRecv()
		if err == nil && resp.GetMessage() != fmt.Sprint("word-", i) {
			return fmt.Errorf("response %q", resp.GetMessage())
		}
		return err
	})
}

// TestThrottlePushbackStopCountsAsFailure: A6 counts as a throttling
// failure a call failing with a retryable code, "or that receive[s] a
// pushback response indicating not to retry". Five calls failing
// INTERNAL (not retryable) with grpc-retry-pushback-ms -1 take the bucket
// from 10 to 5, so the next UNAVAILABLE call is not retried.
func TestThrottlePushbackStopCountsAsFailure(t *testing.T) {
	r := newThrottleRun(t, briefConfig)
	for _, after := range []string{"9", "8", "7", "6", "5"} {
		r.failWith("stop", codes.Internal, 1, after)
	}
	r.fail(1, "4")
}
