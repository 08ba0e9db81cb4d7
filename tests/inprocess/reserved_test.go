package inprocess

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestReservedMetadataIsRefused: headers the transport owns cannot be set
// through metadata, on either side, and the error says so.
func TestReservedMetadataIsRefused(t *testing.T) {
	setHeaderErr := make(chan error, 1)
	f := start(t, hooks{unary: func(ctx context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		setHeaderErr <- rpc.SetHeader(ctx, metadata.Pairs("grpc-status", "0"))
		return &echopb.EchoResponse{Message: r.Message}, nil
	}})
	ctx := testContext(t)
	for _, key := range []string{"grpc-status", "grpc-timeout", "content-type", ":path", "te"} {
		_, err := f.client.UnaryEcho(metadata.AppendToOutgoingContext(ctx, key, "spoofed"), &echopb.EchoRequest{Message: "x"})
		require.Equal(t, codes.Internal, status.Code(err), "%s: %v", key, err)
		require.Contains(t, status.Convert(err).Message(), "reserved", key)
	}
	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "ok"})
	require.NoError(t, err, "a handler whose SetHeader was refused still answers")
	require.Equal(t, "ok", resp.Message)
	require.ErrorContains(t, <-setHeaderErr, "reserved")
}
