package inprocess

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestHeaderListOverPeerLimit: the server advertises a 64 KiB
// SETTINGS_MAX_HEADER_LIST_SIZE; a client request over it fails locally
// with a reason, and trailers over the client's limit end the call too.
// The connection keeps serving.
func TestHeaderListOverPeerLimit(t *testing.T) {
	big := strings.Repeat("v", 80<<10)
	f := start(t, hooks{unary: func(ctx context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		if r.Message == "big trailer" {
			rpc.SetTrailer(ctx, metadata.Pairs("x-big", big))
		}
		return &echopb.EchoResponse{Message: r.Message}, nil
	}})
	ctx := testContext(t)
	_, err := f.client.UnaryEcho(metadata.AppendToOutgoingContext(ctx, "x-big", big), &echopb.EchoRequest{Message: "big header"})
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "MAX_HEADER_LIST_SIZE")

	_, err = f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "big trailer"})
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "INTERNAL_ERROR", "the server resets a stream whose trailers it cannot send")

	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "small"})
	require.NoError(t, err)
	require.Equal(t, "small", resp.Message)
}
