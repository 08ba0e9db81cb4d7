package inprocess

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestDeadlineSeenOnBothSides: the client's deadline travels as
// grpc-timeout, so the handler's context carries it and ends with it. The
// client's own timer races the server's: when the client's RST_STREAM
// (CANCEL) lands first the handler sees Canceled, which is also correct.
func TestDeadlineSeenOnBothSides(t *testing.T) {
	type seenCall struct {
		deadline time.Time
		err      error
	}
	seen := make(chan seenCall, 1)
	f := start(t, hooks{unary: func(ctx context.Context, _ *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		deadline, _ := ctx.Deadline()
		<-ctx.Done()
		seen <- seenCall{deadline, ctx.Err()}
		return nil, ctx.Err()
	}})
	ctx, cancel := context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	clientDeadline, _ := ctx.Deadline()
	_, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "late"})
	require.Equal(t, codes.DeadlineExceeded, status.Code(err), "client status: %v", err)
	select {
	case call := <-seen:
		require.False(t, call.deadline.IsZero(), "the handler's context has no deadline: grpc-timeout was lost")
		require.False(t, call.deadline.After(clientDeadline.Add(50*time.Millisecond)), "the server's deadline %v is later than the client's %v", call.deadline, clientDeadline)
		if !errors.Is(call.err, context.DeadlineExceeded) {
			require.ErrorIs(t, call.err, context.Canceled)
		}
	case <-testContext(t).Done():
		t.Fatal("the server handler never saw the deadline")
	}
}

func TestCancellationSeenOnBothSides(t *testing.T) {
	seen := make(chan error, 1)
	started := make(chan struct{})
	f := start(t, hooks{unary: func(ctx context.Context, _ *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		close(started)
		<-ctx.Done()
		seen <- ctx.Err()
		return nil, ctx.Err()
	}})
	ctx, cancel := context.WithCancel(testContext(t))
	go func() {
		<-started
		cancel()
	}()
	_, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "never mind"})
	require.Equal(t, codes.Canceled, status.Code(err), "client status: %v", err)
	select {
	case serverErr := <-seen:
		require.ErrorIs(t, serverErr, context.Canceled, "RST_STREAM(CANCEL) must cancel the handler's context")
	case <-testContext(t).Done():
		t.Fatal("the server handler never saw the cancellation")
	}
}

func TestStreamCancellationSeenOnBothSides(t *testing.T) {
	seen := make(chan error, 1)
	f := start(t, hooks{bidi: func(s echopb.Echo_BidirectionalStreamingEchoServer) error {
		for {
			m, err := s.Recv()
			if err != nil {
				seen <- s.Context().Err()
				return err
			}
			if err := s.Send(&echopb.EchoResponse{Message: m.Message}); err != nil {
				seen <- s.Context().Err()
				return err
			}
		}
	}})
	ctx, cancel := context.WithCancel(testContext(t))
	stream, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "one"}))
	got, err := stream.Recv()
	require.NoError(t, err)
	require.Equal(t, "one", got.Message)
	cancel()
	_, err = stream.Recv()
	require.Equal(t, codes.Canceled, status.Code(err), "client status after cancel: %v", err)
	select {
	case serverErr := <-seen:
		require.ErrorIs(t, serverErr, context.Canceled)
	case <-testContext(t).Done():
		t.Fatal("the server handler never saw the cancellation")
	}
}

func TestSendAfterCloseSendIsAnError(t *testing.T) {
	f := start(t, nil)
	stream, err := f.client.BidirectionalStreamingEcho(testContext(t))
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	err = stream.Send(&echopb.EchoRequest{Message: "too late"})
	require.Error(t, err, "SendMsg after CloseSend must fail")
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
}

// TestServerVanishesMidStream cuts the server's side of the TCP
// connection under calls in flight: every call must end with a status.
func TestServerVanishesMidStream(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 5)
	f := start(t, hooks{
		unary: func(ctx context.Context, _ *echopb.EchoRequest) (*echopb.EchoResponse, error) {
			entered <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil, ctx.Err()
		},
		bidi: func(s echopb.Echo_BidirectionalStreamingEchoServer) error {
			for {
				m, err := s.Recv()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				if err := s.Send(&echopb.EchoResponse{Message: m.Message}); err != nil {
					return err
				}
			}
		},
	})
	defer close(release)
	ctx := testContext(t)
	stream, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "ping"}))
	_, err = stream.Recv()
	require.NoError(t, err)

	unaryDone := make(chan error, 5)
	for range 5 {
		go func() {
			_, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "pending"})
			unaryDone <- err
		}()
	}
	for range 5 {
		<-entered // every call is in flight on the server
	}
	serverSide := <-f.lis.conns
	serverSide.Close()

	_, err = stream.Recv()
	require.Equal(t, codes.Unavailable, status.Code(err), "stream status after the server vanished: %v", err)
	for range 5 {
		select {
		case err := <-unaryDone:
			require.Contains(t, []codes.Code{codes.Unavailable}, status.Code(err), "unary status: %v", err)
		case <-ctx.Done():
			t.Fatal("a unary call hung after its connection died")
		}
	}
	// The channel dials again for the next call.
	again, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, again.Send(&echopb.EchoRequest{Message: "again"}))
	got, err := again.Recv()
	require.NoError(t, err)
	require.Equal(t, "again", got.Message)
	require.NoError(t, again.CloseSend())
	_, err = again.Recv()
	require.ErrorIs(t, err, io.EOF)
}
