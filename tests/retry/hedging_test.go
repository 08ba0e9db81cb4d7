package retry

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// hedgingConfig hedges every Echo method: maxAttempts attempts, one every
// delay, UNAVAILABLE non-fatal; throttling adds a token bucket.
func hedgingConfig(maxAttempts int, delay string, throttling bool) string {
	js := fmt.Sprintf(`{"methodConfig":[{"name":[{"service":%q}],"hedgingPolicy":{"maxAttempts":%d,"hedgingDelay":%q,"nonFatalStatusCodes":["UNAVAILABLE"]}}]`,
		echoService, maxAttempts, delay)
	if throttling {
		js += `,"retryThrottling":{"maxTokens":4,"tokenRatio":0.1}`
	}
	return js + "}"
}

// TestHedgingSlowFirstAttempt: the first attempt hangs; the hedge sent
// hedgingDelay later answers, wins, and the first is cancelled.
func TestHedgingSlowFirstAttempt(t *testing.T) {
	cancelled := make(chan struct{})
	b := &backend{unary: func(ctx context.Context, req *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		if n == 0 {
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		}
		return &echopb.EchoResponse{Message: fmt.Sprint(req.GetMessage(), " from attempt ", n)}, nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "0.05s", false)))
	resp, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "slow"})
	if err != nil {
		t.Fatalf("hedged call: %v", err)
	}
	if resp.GetMessage() != "slow from attempt 1" {
		t.Errorf("response %q, want the hedge's", resp.GetMessage())
	}
	<-cancelled // the losing attempt is cancelled, not left running
	seen := b.seen("slow")
	if len(seen) != 2 {
		t.Fatalf("server saw %d attempts, want 2", len(seen))
	}
	wantPrevious(t, seen)
}

// TestHedgingNonFatal: a non-fatal status lets the next hedge go at once
// (the hedging delay here is an hour), until maxAttempts; the call then
// ends with the last status.
func TestHedgingNonFatal(t *testing.T) {
	b := &backend{unary: func(_ context.Context, _ *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		return nil, unavailable(n)
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "3600s", false)))
	_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "nonfatal"})
	wantCode(t, err, codes.Unavailable)
	seen := b.seen("nonfatal")
	if len(seen) != 3 {
		t.Fatalf("server saw %d attempts, want maxAttempts = 3", len(seen))
	}
	wantPrevious(t, seen)
}

// TestHedgingFatal: a fatal status ends the call at once: no hedge
// follows, and hedges still running are cancelled.
func TestHedgingFatal(t *testing.T) {
	t.Run("NoHedgeAfter", func(t *testing.T) {
		b := &backend{unary: func(context.Context, *echopb.EchoRequest, int) (*echopb.EchoResponse, error) {
			return nil, status.Error(codes.Internal, "fatal")
		}}
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "3600s", false)))
		_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "fatal"})
		wantCode(t, err, codes.Internal)
		if got := len(b.seen("fatal")); got != 1 {
			t.Fatalf("server saw %d attempts, want 1", got)
		}
	})
	t.Run("CancelsOthers", func(t *testing.T) {
		hung := make(chan struct{}, 2)
		b := &backend{unary: func(ctx context.Context, _ *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
			if n == 0 {
				<-ctx.Done()
				hung <- struct{}{}
				return nil, ctx.Err()
			}
			return nil, status.Error(codes.Internal, "fatal")
		}}
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "0.01s", false)))
		_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "cancel"})
		wantCode(t, err, codes.Internal)
		<-hung // the first attempt was cancelled when the second's fatal status came
		if got := len(b.seen("cancel")); got != 2 {
			t.Fatalf("server saw %d attempts, want 2", got)
		}
	})
}

// TestHedgingPushback: a positive grpc-retry-pushback-ms delays the next
// hedge by that much (not the hour of the hedging delay); a negative one
// stops hedging.
func TestHedgingPushback(t *testing.T) {
	pushing := func(value string) *backend {
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
	t.Run("Positive", func(t *testing.T) {
		b := pushing("150")
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "3600s", false)))
		if _, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "later"}); err != nil {
			t.Fatalf("call: %v; want the hedge after the pushback to succeed", err)
		}
		seen := b.seen("later")
		if len(seen) != 2 {
			t.Fatalf("server saw %d attempts, want 2", len(seen))
		}
		if gap := seen[1].at.Sub(seen[0].at); gap < 150*time.Millisecond {
			t.Errorf("the hedge came %v after the attempt that pushed back 150 ms", gap)
		}
	})
	t.Run("Negative", func(t *testing.T) {
		b := pushing("-1")
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "3600s", false)))
		_, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "stop"})
		wantCode(t, err, codes.Unavailable)
		if got := len(b.seen("stop")); got != 1 {
			t.Fatalf("server saw %d attempts after a pushback of -1, want 1", got)
		}
	})
}

// TestHedgingThrottled: hedges fail non-fatally; each failure takes a
// token (maxTokens 4), and once the bucket is at half no new hedge goes.
// The first call's two failures take it from 4 to 2: its second failure
// is refused a third attempt. The next call gets one attempt only.
func TestHedgingThrottled(t *testing.T) {
	b := &backend{unary: func(_ context.Context, _ *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		return nil, unavailable(n)
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(5, "3600s", true)))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 10*time.Second)
	_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "first"})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("first")); got != 2 {
		t.Errorf("first call: server saw %d attempts, want 2 (tokens 4 -> 3 allows, 3 -> 2 does not)", got)
	}
	_, err = client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "second"})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("second")); got != 1 {
		t.Errorf("second call: server saw %d attempts, want 1 (throttled)", got)
	}
}
