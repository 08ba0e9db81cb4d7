package inprocess

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// big is a 3.5 MiB message: larger than every window, under the 4 MiB
// default receive limit.
var big = strings.Repeat("actorpc!", 3584*1024/8)

func TestLargeMessageEachWay(t *testing.T) {
	f := start(t, nil)
	ctx := testContext(t)
	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: big})
	require.NoError(t, err)
	require.Equal(t, len(big), len(resp.Message))
	require.Equal(t, big, resp.Message)

	stream, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, stream.Send(&echopb.EchoRequest{Message: big}))
		got, err := stream.Recv()
		require.NoError(t, err)
		require.Equal(t, big, got.Message)
	}
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
}

func TestMessageOverReceiveLimit(t *testing.T) {
	f := start(t, nil, rpc.MaxRecvMsgSize(1<<20))
	ctx := testContext(t)
	huge := strings.Repeat("x", 2<<20)
	_, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: huge})
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "request over the server's limit: %v", err)

	// The response is over the client's limit.
	_, err = f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "small"}, rpc.MaxCallRecvMsgSize(3))
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "response over the client's limit: %v", err)

	// The connection survives both.
	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "still here"})
	require.NoError(t, err)
	require.Equal(t, "still here", resp.Message)
}

// TestRequestLargerThanDefaultBudget: a server that accepts 40 MiB
// requests takes one although the default connection memory budget is
// 16 MiB (the budget grows to two of the largest requests; below that it
// shed the stream the request was arriving on, REFUSED_STREAM).
func TestRequestLargerThanDefaultBudget(t *testing.T) {
	const size = 40 << 20
	f := start(t, nil, rpc.MaxRecvMsgSize(size+1<<10))
	ctx := testContext(t)
	huge := strings.Repeat("y", size)
	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: huge}, rpc.MaxCallRecvMsgSize(size+1<<10))
	require.NoError(t, err)
	require.Equal(t, size, len(resp.Message))
}

func TestUnknownServiceAndMethod(t *testing.T) {
	f := start(t, nil)
	ctx := testContext(t)
	var resp echopb.EchoResponse
	err := f.cc.Invoke(ctx, "/grpc.examples.echo.Echo/Nope", &echopb.EchoRequest{}, &resp)
	require.Equal(t, codes.Unimplemented, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "unknown method Nope")
	err = f.cc.Invoke(ctx, "/no.such.Service/Echo", &echopb.EchoRequest{}, &resp)
	require.Equal(t, codes.Unimplemented, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "unknown service no.such.Service")
}

func TestConcurrentUnaryOnOneConnection(t *testing.T) {
	f := start(t, nil)
	ctx := testContext(t)
	const calls = 200
	errs := make(chan error, calls)
	for i := range calls {
		go func() {
			want := fmt.Sprintf("call %d", i)
			resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: want})
			if err == nil && resp.Message != want {
				err = fmt.Errorf("call %d got %q", i, resp.Message)
			}
			errs <- err
		}()
	}
	for range calls {
		require.NoError(t, <-errs)
	}
	require.Len(t, f.lis.conns, 1, "all calls must share one connection")
}

func TestConcurrentStreamsOnOneConnection(t *testing.T) {
	f := start(t, nil)
	ctx := testContext(t)
	const streams, messages = 20, 50
	errs := make(chan error, streams)
	for i := range streams {
		go func() {
			errs <- func() error {
				stream, err := f.client.BidirectionalStreamingEcho(ctx)
				if err != nil {
					return err
				}
				for j := range messages {
					want := fmt.Sprintf("stream %d message %d", i, j)
					if err := stream.Send(&echopb.EchoRequest{Message: want}); err != nil {
						return fmt.Errorf("send: %w", err)
					}
					got, err := stream.Recv()
					if err != nil {
						return fmt.Errorf("recv: %w", err)
					}
					if got.Message != want {
						return fmt.Errorf("got %q, want %q", got.Message, want)
					}
				}
				if err := stream.CloseSend(); err != nil {
					return err
				}
				if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
					return fmt.Errorf("end of stream: %v, want io.EOF", err)
				}
				return nil
			}()
		}()
	}
	for range streams {
		require.NoError(t, <-errs)
	}
	require.Len(t, f.lis.conns, 1, "all streams must share one connection")
}
