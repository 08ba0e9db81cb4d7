package inprocess

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"

	_ "github.com/actorpc/actorpc/rpc/encoding/gzip"
)

// compressionProbe answers each message with whether it arrived compressed,
// and compresses its answers only when asked to ("compress"/"plain").
func compressionProbe() hooks {
	return hooks{
		unary: func(ctx context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
			if r.Message == "plain" {
				rpc.SetMessageCompression(ctx, false)
			}
			return &echopb.EchoResponse{Message: compressedWord(rpc.RecvCompressed(ctx))}, nil
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
				rpc.SetMessageCompression(s.Context(), m.Message != "plain")
				if err := s.Send(&echopb.EchoResponse{Message: compressedWord(rpc.RecvCompressed(s.Context()))}); err != nil {
					return err
				}
			}
		},
	}
}

func compressedWord(c bool) string {
	if c {
		return "compressed"
	}
	return "uncompressed"
}

func TestGzipBetweenActorpcPeers(t *testing.T) {
	f := start(t, compressionProbe())
	ctx := testContext(t)

	resp, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x"}, rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	require.Equal(t, "compressed", resp.Message)
	resp, err = f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x"})
	require.NoError(t, err)
	require.Equal(t, "uncompressed", resp.Message)
	// The server may answer a gzip call uncompressed, message by message.
	resp, err = f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "plain"}, rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	require.Equal(t, "compressed", resp.Message)

	// On a stream, compression is chosen message by message.
	stream, err := f.client.BidirectionalStreamingEcho(ctx, rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	for _, compress := range []bool{true, false, true} {
		require.NoError(t, rpc.SetMessageCompression(stream.Context(), compress))
		require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "plain"}))
		got, err := stream.Recv()
		require.NoError(t, err)
		require.Equal(t, compressedWord(compress), got.Message)
	}
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
}

func TestDecompressedMessageOverLimit(t *testing.T) {
	f := start(t, nil, rpc.MaxRecvMsgSize(1<<20))
	ctx := testContext(t)
	// 8 MiB of one letter gzips to a few KiB: under every wire limit, far
	// over the server's 1 MiB once inflated.
	_, err := f.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: strings.Repeat("a", 8<<20)},
		rpc.UseCompressor("gzip"))
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "%v", err)
}
