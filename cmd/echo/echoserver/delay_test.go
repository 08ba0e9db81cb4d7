package echoserver_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestDelayPrecedesResponsesAndStatus checks the lower bound only: each
// response and the status wait the delay, so a call takes at least
// (responses + 1) delays, or one for unary. Upper bounds would be flaky.
func TestDelayPrecedesResponsesAndStatus(t *testing.T) {
	const delay = 25 * time.Millisecond
	f := start(t)
	md := metadata.Pairs("echo-delay-ms", strconv.Itoa(int(delay/time.Millisecond)))
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			began := time.Now()
			o := k.call(t, callContext(t, md), f.client)
			took := time.Since(began)
			if o.err != nil || !slices.Equal(o.msgs, k.want) {
				t.Fatalf("got %q, %v; want %q, OK", o.msgs, o.err, k.want)
			}
			waits := len(k.want) + 1
			if k.name == "unary" {
				waits = 1
			}
			if least := time.Duration(waits) * delay; took < least {
				t.Errorf("call took %v, want at least %v (%d delays)", took, least, waits)
			}
		})
	}
}

// hourDelay is the longest delay the server accepts: a call that waits it
// out would fail the test by its failsafe timeout.
var hourDelay = metadata.Pairs("echo-delay-ms", "3600000")

// TestDelayEndsAtDeadline checks that a delayed call ends with
// DeadlineExceeded when its deadline passes, and that the handler stops
// waiting too (GracefulStop waits for it).
func TestDelayEndsAtDeadline(t *testing.T) {
	f := start(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(callContext(t, hourDelay), 100*time.Millisecond)
			defer cancel()
			o := k.call(t, ctx, f.client)
			if got := status.Code(o.err); got != codes.DeadlineExceeded {
				t.Errorf("status = %v, want DeadlineExceeded", status.Convert(o.err))
			}
		})
	}
	f.gracefulStop(t)
}

// TestDelayEndsOnCancel cancels streams once the server has sent their
// headers, so the handler is certainly running (and waiting) when the
// cancellation arrives.
func TestDelayEndsOnCancel(t *testing.T) {
	f := start(t)
	t.Run("server", func(t *testing.T) {
		ctx, cancel := context.WithCancel(callContext(t, hourDelay))
		defer cancel()
		stream, err := f.client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "never sent"})
		if err != nil {
			t.Fatalf("ServerStreamingEcho: %v", err)
		}
		waitHeaderThenCancel(t, stream, cancel)
		_, err = recvAll(stream)
		checkCanceled(t, err)
	})
	t.Run("client", func(t *testing.T) {
		ctx, cancel := context.WithCancel(callContext(t, hourDelay))
		defer cancel()
		stream, err := f.client.ClientStreamingEcho(ctx)
		if err != nil {
			t.Fatalf("ClientStreamingEcho: %v", err)
		}
		if err := sendAll(stream, []string{"x"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if err := stream.CloseSend(); err != nil {
			t.Fatalf("CloseSend: %v", err)
		}
		waitHeaderThenCancel(t, stream, cancel)
		checkCanceled(t, stream.RecvMsg(new(echopb.EchoResponse)))
	})
	t.Run("bidi", func(t *testing.T) {
		ctx, cancel := context.WithCancel(callContext(t, hourDelay))
		defer cancel()
		stream, err := f.client.BidirectionalStreamingEcho(ctx)
		if err != nil {
			t.Fatalf("BidirectionalStreamingEcho: %v", err)
		}
		if err := sendAll(stream, []string{"x"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		waitHeaderThenCancel(t, stream, cancel)
		_, err = recvAll(stream)
		checkCanceled(t, err)
	})
	f.gracefulStop(t)
}

func waitHeaderThenCancel(t *testing.T, s headerTrailer, cancel context.CancelFunc) {
	t.Helper()
	if _, err := s.Header(); err != nil {
		t.Fatalf("Header: %v", err)
	}
	cancel()
}

func checkCanceled(t *testing.T, err error) {
	t.Helper()
	if got := status.Code(err); got != codes.Canceled {
		t.Errorf("status = %v, want Canceled", status.Convert(err))
	}
}
