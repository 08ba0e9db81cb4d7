package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// watchdog is a context without a deadline (ctx.Deadline reports none)
// that is nevertheless cancelled after d, so that a test relying on the
// service config's timeout cannot hang.
func watchdog(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(d, cancel)
	t.Cleanup(func() {
		timer.Stop()
		cancel()
	})
	return ctx
}

// TestMethodConfigTimeout: the method's timeout ends a call to a slow
// handler with DeadlineExceeded although the caller set no deadline, and
// the server is told the deadline (grpc-timeout).
func TestMethodConfigTimeout(t *testing.T) {
	const config = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo","method":"UnaryEcho"},{"service":"grpc.examples.echo.Echo","method":"ServerStreamingEcho"}],"timeout":"0.2s"}]}`
	serverDeadline := make(chan bool, 2)
	b := &backend{
		unary: func(ctx context.Context, _ *echopb.EchoRequest, _ int) (*echopb.EchoResponse, error) {
			_, ok := ctx.Deadline()
			serverDeadline <- ok
			<-ctx.Done()
			return nil, ctx.Err()
		},
		serverStream: func(_ *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer, _ int) error {
			_, ok := s.Context().Deadline()
			serverDeadline <- ok
			<-s.Context().Done()
			return s.Context().Err()
		},
	}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(config))
	client := echopb.NewEchoClient(cc)
	const watch = 20 * time.Second

	t.Run("Unary", func(t *testing.T) {
		start := time.Now()
		_, err := client.UnaryEcho(watchdog(t, watch), &echopb.EchoRequest{Message: "slow"})
		elapsed := time.Since(start)
		wantCode(t, err, codes.DeadlineExceeded)
		if elapsed < 200*time.Millisecond {
			t.Errorf("the call ended after %v, before the config's 200 ms timeout", elapsed)
		}
		if elapsed >= watch {
			t.Errorf("the call ended after %v, by the test's watchdog rather than the config's timeout", elapsed)
		}
		wantServerDeadline(t, serverDeadline)
	})
	t.Run("ServerStreaming", func(t *testing.T) {
		start := time.Now()
		stream, err := client.ServerStreamingEcho(watchdog(t, watch), &echopb.EchoRequest{Message: "slow"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = stream.Recv()
		elapsed := time.Since(start)
		wantCode(t, err, codes.DeadlineExceeded)
		if elapsed < 200*time.Millisecond {
			t.Errorf("the call ended after %v, before the config's 200 ms timeout", elapsed)
		}
		wantServerDeadline(t, serverDeadline)
	})
}

// wantServerDeadline checks the handler's report: its context had a
// deadline.
func wantServerDeadline(t *testing.T, reports <-chan bool) {
	t.Helper()
	select {
	case ok := <-reports:
		if !ok {
			t.Error("the handler's context had no deadline: the timeout was not sent as grpc-timeout")
		}
	case <-time.After(10 * time.Second):
		t.Error("the handler never ran")
	}
}

// TestMethodConfigWaitForReady: a method whose config says waitForReady
// waits, while the channel cannot connect, for a backend that appears
// later; a method without it fails at once.
func TestMethodConfigWaitForReady(t *testing.T) {
	const config = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo","method":"UnaryEcho"}],"waitForReady":true}]}`
	// A port nobody listens on, until the test serves there.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()

	fast := rpc.ConnectParams{
		Backoff:           backoff.Config{BaseDelay: 20 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 100 * time.Millisecond},
		MinConnectTimeout: time.Second,
	}
	cc := dial(t, addr, rpc.WithDefaultServiceConfig(config), rpc.WithConnectParams(fast))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 15*time.Second)

	done := make(chan error, 1)
	go func() {
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "waited"})
		done <- err
	}()

	// The channel finds no backend: TRANSIENT_FAILURE.
	for s := cc.GetState(); s != connectivity.TransientFailure; s = cc.GetState() {
		if !cc.WaitForStateChange(ctx, s) {
			t.Fatalf("the channel stayed %v; want TRANSIENT_FAILURE with no backend listening", s)
		}
	}
	// A method without waitForReady fails now, with Unavailable.
	stream, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "not waiting"})
	if err == nil {
		_, err = stream.Recv()
	}
	wantCode(t, err, codes.Unavailable)
	select {
	case err := <-done:
		t.Fatalf("the waitForReady call ended (%v) while the channel had no backend; want it waiting", err)
	default:
	}

	lis, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	serveOn(t, lis, &backend{})
	if err := <-done; err != nil {
		t.Fatalf("the waitForReady call failed after the backend appeared: %v", err)
	}
}

// TestMethodConfigMessageLimits: maxRequestMessageBytes fails a request
// that is too large with ResourceExhausted before it leaves the client;
// maxResponseMessageBytes fails a response that is too large likewise.
func TestMethodConfigMessageLimits(t *testing.T) {
	const config = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo"}],"maxRequestMessageBytes":100,"maxResponseMessageBytes":100}]}`
	b := &backend{
		unary: func(_ context.Context, req *echopb.EchoRequest, _ int) (*echopb.EchoResponse, error) {
			if req.GetMessage() == "big response" {
				return &echopb.EchoResponse{Message: strings.Repeat("r", 1000)}, nil
			}
			return &echopb.EchoResponse{Message: req.GetMessage()}, nil
		},
		serverStream: func(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer, _ int) error {
			if err := s.Send(&echopb.EchoResponse{Message: "small"}); err != nil {
				return err
			}
			return s.Send(&echopb.EchoResponse{Message: strings.Repeat("r", 1000)})
		},
	}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(config))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 10*time.Second)

	t.Run("Request", func(t *testing.T) {
		big := strings.Repeat("q", 1000)
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: big})
		wantCode(t, err, codes.ResourceExhausted)
		if got := len(b.seen(big)); got != 0 {
			t.Errorf("the server saw the too-large request %d times, want 0", got)
		}
		if _, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "small"}); err != nil {
			t.Fatalf("a small request failed: %v", err)
		}
		stream, err := client.ClientStreamingEcho(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = stream.Send(&echopb.EchoRequest{Message: big})
		wantCode(t, err, codes.ResourceExhausted)
		// End the stream we abandon.
		stream.CloseSend()
		stream.CloseAndRecv()
	})
	t.Run("Response", func(t *testing.T) {
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "big response"})
		wantCode(t, err, codes.ResourceExhausted)
		if got := len(b.seen("big response")); got != 1 {
			t.Errorf("the server saw the call %d times, want 1", got)
		}
		stream, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "stream"})
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := stream.Recv(); err != nil || resp.GetMessage() != "small" {
			t.Fatalf("first Recv = %v, %v; want the small response", resp, err)
		}
		_, err = stream.Recv()
		wantCode(t, err, codes.ResourceExhausted)
	})
}

// TestMethodConfigPrecedence: the entry naming the method beats the one
// naming its service, which beats the default entry ({}); they are not
// merged.
func TestMethodConfigPrecedence(t *testing.T) {
	const config = `{"methodConfig":[` +
		`{"name":[{}],"maxRequestMessageBytes":20},` +
		`{"name":[{"service":"grpc.examples.echo.Echo"}],"maxRequestMessageBytes":200},` +
		`{"name":[{"service":"grpc.examples.echo.Echo","method":"UnaryEcho"}],"maxRequestMessageBytes":2000}]}`
	b := &backend{}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(config))
	client := echopb.NewEchoClient(cc)
	ctx := callContext(t, 10*time.Second)
	sized := func(n int) *echopb.EchoRequest { return &echopb.EchoRequest{Message: strings.Repeat("x", n)} }

	// Method level: 2000 bytes.
	if _, err := client.UnaryEcho(ctx, sized(1000)); err != nil {
		t.Errorf("UnaryEcho of ~1000 bytes under its method's 2000-byte limit: %v", err)
	}
	_, err := client.UnaryEcho(ctx, sized(3000))
	wantCode(t, err, codes.ResourceExhausted)

	// Service level: 200 bytes.
	serverStreaming := func(n int) error {
		stream, err := client.ServerStreamingEcho(ctx, sized(n))
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
	}
	if err := serverStreaming(100); err != nil {
		t.Errorf("ServerStreamingEcho of ~100 bytes under its service's 200-byte limit: %v", err)
	}
	wantCode(t, serverStreaming(1000), codes.ResourceExhausted)

	// Default entry: 20 bytes, for a service the config does not name.
	// Under the limit the call reaches the server, which does not know
	// the service.
	other := func(n int) error {
		return cc.Invoke(ctx, "/grpc.testing.Other/Call", sized(n), new(echopb.EchoResponse))
	}
	wantCode(t, other(5), codes.Unimplemented)
	wantCode(t, other(50), codes.ResourceExhausted)
}
