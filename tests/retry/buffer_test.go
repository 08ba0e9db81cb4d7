package retry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/manual"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestRetryBufferCommits: a request larger than the per-call retry
// buffer cannot be replayed, so its call commits to its first attempt
// (A6, "Memory Management"); a request that fits is retried.
func TestRetryBufferCommits(t *testing.T) {
	b := failFirst(1 << 30)
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig), rpc.WithRetryBufferSize(100))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 10*time.Second)
	big := strings.Repeat("b", 1000)
	_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: big})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen(big)); got != 1 {
		t.Errorf("a request over the 100-byte retry buffer was attempted %d times, want 1", got)
	}
	_, err = client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "small"})
	wantCode(t, err, codes.Unavailable)
	if got := len(b.seen("small")); got != 4 {
		t.Errorf("a request within the retry buffer was attempted %d times, want 4", got)
	}
}

// retryBuffered reads the channel's retry buffer use from its Inspect
// description ("retry_buffered=N").
func retryBuffered(t *testing.T, cc *rpc.ClientConn) string {
	t.Helper()
	info := cc.Inspect(callContext(t, 5*time.Second))
	m := regexp.MustCompile(`retry_buffered=(\d+)`).FindStringSubmatch(info.State)
	if m == nil {
		t.Fatalf("the channel's Inspect description %q does not show retry_buffered", info.State)
	}
	return m[1]
}

// TestRetryBufferReleased: whatever way a call with a retry policy ends,
// the room it reserved in the channel's retry buffer (16 MiB for all
// calls) is given back; a leak would, call after call, leave no room and
// silently turn retries off for the whole channel.
func TestRetryBufferReleased(t *testing.T) {
	b := &backend{unary: func(ctx context.Context, req *echopb.EchoRequest, n int) (*echopb.EchoResponse, error) {
		switch m := req.GetMessage(); {
		case strings.HasPrefix(m, "fail"):
			return nil, unavailable(n)
		case strings.HasPrefix(m, "internal"):
			return nil, status.Error(codes.Internal, "internal")
		case strings.HasPrefix(m, "committed"):
			if err := rpc.SendHeader(ctx, metadata.Pairs("x", "y")); err != nil {
				return nil, err
			}
			return nil, unavailable(n)
		case strings.HasPrefix(m, "slow"):
			<-ctx.Done()
			return nil, ctx.Err()
		default:
			return &echopb.EchoResponse{Message: m}, nil
		}
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 20*time.Second)

	t.Run("EveryOutcome", func(t *testing.T) {
		for _, m := range []string{"ok", "fail", "internal", "committed"} {
			client.UnaryEcho(ctx, &echopb.EchoRequest{Message: m})
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err := client.UnaryEcho(short, &echopb.EchoRequest{Message: "slow"})
		cancel()
		wantCode(t, err, codes.DeadlineExceeded)
		if got := retryBuffered(t, cc); got != "0" {
			t.Fatalf("after the calls ended the channel still holds %s bytes of retry buffer, want 0", got)
		}
	})
	t.Run("DeadlineDuringPick", func(t *testing.T) {
		// Calls whose deadline passes about when the channel answers
		// their pick: the channel may reserve room for a call that, seeing
		// its deadline first, never makes its attempt. Thousands of tries
		// make such a race likely; a fixed channel passes every time.
		const workers, calls = 8, 500
		for round := range 3 {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range calls {
						c, cancel := context.WithTimeout(ctx, time.Duration(rand.IntN(300))*time.Microsecond)
						client.UnaryEcho(c, &echopb.EchoRequest{Message: fmt.Sprint("race-", round, "-", w, "-", i)})
						cancel()
					}
				}()
			}
			wg.Wait()
			if got := retryBuffered(t, cc); got != "0" {
				t.Fatalf("after %d calls whose deadlines passed during their picks, all ended, the channel still holds %s bytes of retry buffer, want 0", (round+1)*workers*calls, got)
			}
		}
	})
}

// TestRetryBufferNotReservedForAbandonedPicks: a call that waits for a
// backend and gives up on its method config's timeout (while its own
// context is still live) must not be placed when a backend comes: the
// channel would reserve retry buffer for a call that is gone, and never
// get it back.
func TestRetryBufferNotReservedForAbandonedPicks(t *testing.T) {
	addr := serve(t, failFirst(0))
	r := manual.NewBuilderWithScheme("abandon")
	r.InitialState(resolver.State{Addresses: []resolver.Address{{Addr: closedAddr(t)}}})
	config := fmt.Sprintf(`{"methodConfig":[{"name":[{"service":%q}],"timeout":"0.2s","waitForReady":true,"retryPolicy":{"maxAttempts":3,"initialBackoff":"0.01s","maxBackoff":"0.01s","backoffMultiplier":1,"retryableStatusCodes":["UNAVAILABLE"]}}]}`, echoService)
	cc, err := rpc.NewClient("abandon:///backends", rpc.WithTransportCredentials(insecure.NewCredentials()), rpc.WithResolvers(r), rpc.WithDefaultServiceConfig(config))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 10*time.Second)

	const waiting = 20
	var wg sync.WaitGroup
	for i := range waiting {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: fmt.Sprint("waiting-", i)})
			wantCode(t, err, codes.DeadlineExceeded)
		}()
	}
	wg.Wait()
	r.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: addr}}})
	if _, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "after"}, rpc.WaitForReady(true)); err != nil {
		t.Fatalf("a call once the backend is there: %v", err)
	}
	if got := retryBuffered(t, cc); got != "0" {
		t.Fatalf("after %d calls gave up on their config timeout and one succeeded, the channel holds %s bytes of retry buffer, want 0", waiting, got)
	}
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}
