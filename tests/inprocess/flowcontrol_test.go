package inprocess

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestCancelWhileBlockedOnFlowControl: a server that never reads lets the
// client fill the stream window (1 MiB) and then blocks its SendMsg. When
// the client gives up, its RST_STREAM must reach the server at once, not
// wait behind the data the window holds back.
func TestCancelWhileBlockedOnFlowControl(t *testing.T) {
	entered := make(chan struct{})
	seen := make(chan error, 1)
	f := start(t, hooks{bidi: func(s echopb.Echo_BidirectionalStreamingEchoServer) error {
		close(entered)
		<-s.Context().Done()
		seen <- s.Context().Err()
		return s.Context().Err()
	}})
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	stream, err := f.client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	chunk := &echopb.EchoRequest{Message: strings.Repeat("w", 64<<10)}
	sent := make(chan error, 32)
	go func() {
		for range 32 { // 2 MiB: twice the stream window
			err := stream.Send(chunk)
			sent <- err
			if err != nil {
				return
			}
		}
	}()
	<-entered
	for range 15 { // what fits in the window; the next send blocks
		require.NoError(t, <-sent)
	}
	cancel()
	select {
	case err := <-seen:
		require.ErrorIs(t, err, context.Canceled, "the handler must see the client's cancellation")
	case <-testContext(t).Done():
		t.Fatal("the server never learned of the cancellation: RST_STREAM waited behind flow-controlled data")
	}
	for err := range sent {
		if err != nil {
			break // the blocked send returned once the call ended
		}
	}
	_, err = stream.Recv()
	require.Equal(t, codes.Canceled, status.Code(err), "%v", err)
}
