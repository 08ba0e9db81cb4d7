package echoserve

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGrpcurlListsDescribesAndCallsEchoServe: grpcurl, given no .proto
// file, learns everything from echo serve's reflection service.
func TestGrpcurlListsDescribesAndCallsEchoServe(t *testing.T) {
	s := startEchoServe(t)

	code, out, errOut := run(t, grpcurlBin, "-plaintext", s.addr, "list")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "grpc.examples.echo.Echo\ngrpc.health.v1.Health\ngrpc.reflection.v1.ServerReflection\ngrpc.reflection.v1alpha.ServerReflection\n", out)

	code, out, errOut = run(t, grpcurlBin, "-plaintext", s.addr, "describe", "grpc.examples.echo.Echo")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "grpc.examples.echo.Echo is a service:")
	assert.Contains(t, out, "rpc UnaryEcho ( .grpc.examples.echo.EchoRequest ) returns ( .grpc.examples.echo.EchoResponse );")
	assert.Contains(t, out, "rpc BidirectionalStreamingEcho ( stream .grpc.examples.echo.EchoRequest ) returns ( stream .grpc.examples.echo.EchoResponse );")

	code, out, errOut = run(t, grpcurlBin, "-plaintext", "-d", `{"message": "hello from grpcurl"}`, s.addr, "grpc.examples.echo.Echo/UnaryEcho")
	require.Equal(t, 0, code, errOut)
	assert.JSONEq(t, `{"message": "hello from grpcurl"}`, out)

	code, out, errOut = run(t, grpcurlBin, "-plaintext", s.addr, "grpc.health.v1.Health/Check")
	require.Equal(t, 0, code, errOut)
	assert.JSONEq(t, `{"status": "SERVING"}`, out)
}
