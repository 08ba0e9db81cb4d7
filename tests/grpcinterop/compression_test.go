package grpcinterop

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	grpcgzip "google.golang.org/grpc/encoding/gzip"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"

	_ "github.com/actorpc/actorpc/rpc/encoding/gzip"
)

// compressible is long and repetitive, so gzip shrinks it a lot.
var compressible = strings.Repeat("compress me, compress me; ", 4096)

// TestGzipGRPCGoClientToActorpcServer: grpc-go compresses with gzip, the
// actorpc server decompresses and answers in gzip too, which grpc-go reads.
func TestGzipGRPCGoClientToActorpcServer(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	client := newGRPCClient(t, addr)
	ctx := callContext(t)
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: compressible}, grpc.UseCompressor(grpcgzip.Name))
	require.NoError(t, err)
	require.Equal(t, compressible, resp.Message)

	stream, err := client.BidirectionalStreamingEcho(ctx, grpc.UseCompressor(grpcgzip.Name))
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, stream.Send(&echopb.EchoRequest{Message: compressible}))
		got, err := stream.Recv()
		require.NoError(t, err)
		require.Equal(t, compressible, got.Message)
	}
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
}

// TestGzipActorpcClientToGRPCGoServer: actorpc compresses with gzip for a
// grpc-go server, which answers in gzip.
func TestGzipActorpcClientToGRPCGoServer(t *testing.T) {
	addr := startGRPCServer(t, newHandlerLog())
	client := newActorpcClient(t, addr)
	ctx := callContext(t)
	resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: compressible}, rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	require.Equal(t, compressible, resp.Message)

	stream, err := client.ClientStreamingEcho(ctx, rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "one"}))
	require.NoError(t, stream.Send(&echopb.EchoRequest{Message: compressible}))
	got, err := stream.CloseAndRecv()
	require.NoError(t, err)
	require.Equal(t, "one "+compressible, got.Message)
}

// fakeCompressor is a grpc-go compressor the actorpc server has never
// heard of.
type fakeCompressor struct{}

func (fakeCompressor) Name() string { return "x-unknown-zip" }
func (fakeCompressor) Compress(w io.Writer) (io.WriteCloser, error) {
	return gzip.NewWriter(w), nil
}
func (fakeCompressor) Decompress(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }

func init() { encoding.RegisterCompressor(fakeCompressor{}) }

// TestUnknownEncodingIsUnimplemented: a request compressed with an
// encoding the server does not support gets Unimplemented.
func TestUnknownEncodingIsUnimplemented(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	client := newGRPCClient(t, addr)
	_, err := client.UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "hi"}, grpc.UseCompressor("x-unknown-zip"))
	require.Equal(t, grpccodes.Unimplemented, grpcstatus.Code(err), "%v", err)
}

// TestZipBombIsResourceExhausted: 16 MiB of zeros gzip to about 16 KiB on
// the wire; the server's 4 MiB receive limit applies to what they inflate
// to, and it stops inflating there.
func TestZipBombIsResourceExhausted(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	cc := newGRPCConn(t, addr)
	bomb := &rawMessage{data: protoString(strings.Repeat("\x00", 16<<20))}
	var out rawMessage
	err := cc.Invoke(callContext(t), "/grpc.examples.echo.Echo/UnaryEcho", bomb, &out,
		grpc.UseCompressor(grpcgzip.Name), grpc.ForceCodec(rawCodec{}), grpc.MaxCallSendMsgSize(128<<20))
	require.Equal(t, grpccodes.ResourceExhausted, grpcstatus.Code(err), "%v", err)
}

// TestActorpcRefusesUnregisteredCompressor: naming a compressor nobody
// registered fails the call locally, with a message that says what to do.
func TestActorpcRefusesUnregisteredCompressor(t *testing.T) {
	// No server is needed: the call fails before it dials.
	client := newActorpcClient(t, "127.0.0.1:1")
	_, err := client.UnaryEcho(context.Background(), &echopb.EchoRequest{Message: "hi"}, rpc.UseCompressor("snappy"))
	require.Equal(t, codes.Internal, status.Code(err))
	require.Contains(t, status.Convert(err).Message(), "not registered")
}

// protoString encodes s as field 1 of a message, as EchoRequest does,
// without the codec copying it.
func protoString(s string) []byte {
	var b bytes.Buffer
	b.WriteByte(0x0a)
	n := len(s)
	for n >= 0x80 {
		b.WriteByte(byte(n) | 0x80)
		n >>= 7
	}
	b.WriteByte(byte(n))
	b.WriteString(s)
	return b.Bytes()
}

// rawMessage is a message already in wire form.
type rawMessage struct{ data []byte }

// rawCodec sends rawMessage bytes as they are.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }
func (rawCodec) Marshal(v any) ([]byte, error) {
	return v.(*rawMessage).data, nil
}
func (rawCodec) Unmarshal(data []byte, v any) error {
	v.(*rawMessage).data = append([]byte(nil), data...)
	return nil
}
