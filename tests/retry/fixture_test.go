package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// echoService is the service every config of this package names.
const echoService = "grpc.examples.echo.Echo"

// briefConfig is the project's reference retry config: 4 attempts, a
// backoff from 10 ms to 50 ms, UNAVAILABLE retried, and a throttle of 10
// tokens refilled by 0.1 per success.
const briefConfig = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo"}],"retryPolicy":{"maxAttempts":4,"initialBackoff":"0.01s","maxBackoff":"0.05s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}],"retryThrottling":{"maxTokens":10,"tokenRatio":0.1}}`

// policyConfig is a config with one retry policy for the whole echo
// service and no throttling, so that a test's counts depend on the policy
// alone.
func policyConfig(maxAttempts int, initialBackoff, maxBackoff string, multiplier float64) string {
	return fmt.Sprintf(`{"methodConfig":[{"name":[{"service":%q}],"retryPolicy":{"maxAttempts":%d,"initialBackoff":%q,"maxBackoff":%q,"backoffMultiplier":%g,"retryableStatusCodes":["UNAVAILABLE"]}}]}`,
		echoService, maxAttempts, initialBackoff, maxBackoff, multiplier)
}

// attempt is what the server saw of one attempt of a call.
type attempt struct {
	at       time.Time
	previous []string // grpc-previous-rpc-attempts
}

// backend is an Echo service that counts the attempts of each call,
// keyed by the request message (a test gives each call its own), and lets
// the test decide how each attempt ends. A nil hook echoes.
type backend struct {
	echopb.UnimplementedEchoServer
	unary        func(ctx context.Context, req *echopb.EchoRequest, n int) (*echopb.EchoResponse, error)
	serverStream func(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer, n int) error

	mu       sync.Mutex
	attempts map[string][]attempt
}

// record notes an attempt of the call keyed key and returns its number,
// 0 for the first.
func (b *backend) record(ctx context.Context, key string) int {
	md, _ := metadata.FromIncomingContext(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.attempts == nil {
		b.attempts = make(map[string][]attempt)
	}
	b.attempts[key] = append(b.attempts[key], attempt{at: time.Now(), previous: md.Get("grpc-previous-rpc-attempts")})
	return len(b.attempts[key]) - 1
}

// seen is what the server saw of the call keyed key.
func (b *backend) seen(key string) []attempt {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]attempt(nil), b.attempts[key]...)
}

// total is how many attempts of all calls the server saw.
func (b *backend) total() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, a := range b.attempts {
		n += len(a)
	}
	return n
}

func (b *backend) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	n := b.record(ctx, req.GetMessage())
	if b.unary == nil {
		return &echopb.EchoResponse{Message: req.GetMessage()}, nil
	}
	return b.unary(ctx, req, n)
}

func (b *backend) ServerStreamingEcho(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer) error {
	n := b.record(s.Context(), req.GetMessage())
	if b.serverStream == nil {
		for _, w := range strings.Fields(req.GetMessage()) {
			if err := s.Send(&echopb.EchoResponse{Message: w}); err != nil {
				return err
			}
		}
		return nil
	}
	return b.serverStream(req, s, n)
}

// ClientStreamingEcho records one attempt keyed "client-stream" and
// answers with the received messages joined by spaces.
func (b *backend) ClientStreamingEcho(s echopb.Echo_ClientStreamingEchoServer) error {
	b.record(s.Context(), "client-stream")
	var words []string
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return s.SendAndClose(&echopb.EchoResponse{Message: strings.Join(words, " ")})
		}
		if err != nil {
			return err
		}
		words = append(words, req.GetMessage())
	}
}

func (b *backend) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&echopb.EchoResponse{Message: req.GetMessage()}); err != nil {
			return err
		}
	}
}

// serve serves impl on a fresh loopback port and returns its address;
// the server stops when the test ends.
func serve(t *testing.T, impl echopb.EchoServer, opts ...rpc.ServerOption) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, lis, impl, opts...)
	return lis.Addr().String()
}

// serveOn serves impl on lis until the test ends.
func serveOn(t *testing.T, lis net.Listener, impl echopb.EchoServer, opts ...rpc.ServerOption) {
	t.Helper()
	s := rpc.NewServer(opts...)
	echopb.RegisterEchoServer(s, impl)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Stop, want nil", err)
		}
	})
}

// dial makes a client of addr (passthrough: no DNS), closed when the test
// ends (before the servers it calls, which were started earlier).
func dial(t *testing.T, addr string, opts ...rpc.DialOption) *rpc.ClientConn {
	t.Helper()
	cc, err := rpc.NewClient("passthrough:///"+addr, append([]rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

// callContext bounds one call, so that a hang fails the test instead of
// hanging it.
func callContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// unavailable is the retryable failure the backends answer with.
func unavailable(n int) error { return status.Errorf(codes.Unavailable, "attempt %d unavailable", n) }

// wantCode fails the test unless err has status code want.
func wantCode(t *testing.T, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("call ended with %v (%v), want code %v", got, err, want)
	}
}

// wantPrevious checks the grpc-previous-rpc-attempts of each attempt:
// absent (or 0) on the first, then 1, 2, ...
func wantPrevious(t *testing.T, seen []attempt) {
	t.Helper()
	for i, a := range seen {
		switch {
		case i == 0 && (len(a.previous) == 0 || len(a.previous) == 1 && a.previous[0] == "0"):
		case i > 0 && len(a.previous) == 1 && a.previous[0] == fmt.Sprint(i):
		default:
			t.Errorf("attempt %d carried grpc-previous-rpc-attempts %q, want %s", i, a.previous, map[bool]string{true: "none", false: fmt.Sprintf("[%q]", fmt.Sprint(i))}[i == 0])
		}
	}
}
