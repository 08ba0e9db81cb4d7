package reflection

import (
	"testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/reflection"
	v1alphapb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1alpha"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ok fails the test unless grpcurl exited 0, and returns its output.
func ok(t *testing.T, r result) string {
	t.Helper()
	require.Equal(t, 0, r.exitCode, "grpcurl failed; stderr:\n%s", r.stderr)
	return r.stdout
}

func TestGrpcurlListsServicesAndMethods(t *testing.T) {
	addr := startServer(t, bothVersions)
	assert.Equal(t, "grpc.examples.echo.Echo\n"+
		"grpc.reflection.v1.ServerReflection\n"+
		"grpc.reflection.v1alpha.ServerReflection\n", ok(t, grpcurl(t, nil, addr, "list")))
	assert.Equal(t, "grpc.examples.echo.Echo.BidirectionalStreamingEcho\n"+
		"grpc.examples.echo.Echo.ClientStreamingEcho\n"+
		"grpc.examples.echo.Echo.ServerStreamingEcho\n"+
		"grpc.examples.echo.Echo.UnaryEcho\n", ok(t, grpcurl(t, nil, addr, "list", "grpc.examples.echo.Echo")))
}

func TestGrpcurlDescribesServiceAndMessage(t *testing.T) {
	addr := startServer(t, bothVersions)
	assert.Equal(t, `grpc.examples.echo.Echo is a service:
service Echo {
  rpc BidirectionalStreamingEcho ( stream .grpc.examples.echo.EchoRequest ) returns ( stream .grpc.examples.echo.EchoResponse );
  rpc ClientStreamingEcho ( stream .grpc.examples.echo.EchoRequest ) returns ( .grpc.examples.echo.EchoResponse );
  rpc ServerStreamingEcho ( .grpc.examples.echo.EchoRequest ) returns ( stream .grpc.examples.echo.EchoResponse );
  rpc UnaryEcho ( .grpc.examples.echo.EchoRequest ) returns ( .grpc.examples.echo.EchoResponse );
}
`, ok(t, grpcurl(t, nil, addr, "describe", "grpc.examples.echo.Echo")))
	assert.Equal(t, `grpc.examples.echo.EchoRequest is a message:
message EchoRequest {
  string message = 1;
}
`, ok(t, grpcurl(t, nil, addr, "describe", "grpc.examples.echo.EchoRequest")))
	assert.Contains(t, ok(t, grpcurl(t, nil, addr, "describe", "grpc.examples.echo.Echo.ServerStreamingEcho")),
		"grpc.examples.echo.Echo.ServerStreamingEcho is a method:\n"+
			"rpc ServerStreamingEcho ( .grpc.examples.echo.EchoRequest ) returns ( stream .grpc.examples.echo.EchoResponse );")
	assert.Contains(t, ok(t, grpcurl(t, nil, addr, "describe", "grpc.reflection.v1.ServerReflection")),
		"rpc ServerReflectionInfo ( stream .grpc.reflection.v1.ServerReflectionRequest ) returns ( stream .grpc.reflection.v1.ServerReflectionResponse );",
		"the reflection service describes itself")
}

func TestGrpcurlCallsThroughReflection(t *testing.T) {
	addr := startServer(t, bothVersions)
	assert.JSONEq(t, `{"message":"hi"}`,
		ok(t, grpcurl(t, []string{"-d", `{"message":"hi"}`}, addr, "grpc.examples.echo.Echo/UnaryEcho")))
	assert.Equal(t, "{\n  \"message\": \"one\"\n}\n{\n  \"message\": \"two\"\n}\n{\n  \"message\": \"three\"\n}\n",
		ok(t, grpcurl(t, []string{"-d", `{"message":"one two three"}`}, addr, "grpc.examples.echo.Echo/ServerStreamingEcho")),
		"one response per word")
	assert.JSONEq(t, `{"message":"a b"}`,
		ok(t, grpcurl(t, []string{"-d", `{"message":"a"} {"message":"b"}`}, addr, "grpc.examples.echo.Echo/ClientStreamingEcho")))
}

func TestGrpcurlReportsUnknownNames(t *testing.T) {
	addr := startServer(t, bothVersions)
	r := grpcurl(t, nil, addr, "describe", "grpc.examples.echo.NoSuch")
	assert.Equal(t, 1, r.exitCode)
	assert.Equal(t, `Failed to resolve symbol "grpc.examples.echo.NoSuch": Symbol not found: grpc.examples.echo.NoSuch`+"\n", r.stderr)

	r = grpcurl(t, nil, addr, "list", "no.such.Service")
	assert.Equal(t, 1, r.exitCode)
	assert.Contains(t, r.stderr, `Symbol not found: no.such.Service`)

	r = grpcurl(t, []string{"-d", `{}`}, addr, "grpc.examples.echo.Echo/NoSuch")
	assert.Equal(t, 1, r.exitCode)
	assert.Equal(t, `Error invoking method "grpc.examples.echo.Echo/NoSuch": service "grpc.examples.echo.Echo" does not include a method named "NoSuch"`+"\n", r.stderr)
}

// An RPC that fails after reflection resolved it exits 64+code, as grpcurl
// documents, with the server's status in its report.
func TestGrpcurlReportsTheCallsStatus(t *testing.T) {
	addr := startServer(t, bothVersions)
	r := grpcurl(t, []string{"-d", `{"message":"x"}`, "-H", "echo-status: 5", "-H", "echo-status-message: gone"}, addr, "grpc.examples.echo.Echo/UnaryEcho")
	assert.Equal(t, 64+5, r.exitCode, "stderr:\n%s", r.stderr)
	assert.Contains(t, r.stderr, "Code: NotFound")
	assert.Contains(t, r.stderr, "Message: gone")
}

// grpcurl asks v1 first and falls back to v1alpha when v1 is Unimplemented:
// a server with either one alone works.
func TestGrpcurlWithOneReflectionVersion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register func(*rpc.Server)
		service  string
	}{
		{"v1", func(s *rpc.Server) { reflection.RegisterV1(s) }, "grpc.reflection.v1.ServerReflection"},
		{"v1alpha", func(s *rpc.Server) {
			v1alphapb.RegisterServerReflectionServer(s, reflection.NewServer(reflection.ServerOptions{Services: s}))
		}, "grpc.reflection.v1alpha.ServerReflection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startServer(t, tc.register)
			assert.Equal(t, "grpc.examples.echo.Echo\n"+tc.service+"\n", ok(t, grpcurl(t, nil, addr, "list")))
			assert.Contains(t, ok(t, grpcurl(t, nil, addr, "describe", "grpc.examples.echo.EchoResponse")), "string message = 1;")
			assert.JSONEq(t, `{"message":"hi"}`,
				ok(t, grpcurl(t, []string{"-d", `{"message":"hi"}`}, addr, "grpc.examples.echo.Echo/UnaryEcho")))
		})
	}
}

// Without reflection grpcurl cannot describe the server, and says why.
func TestGrpcurlWithoutReflection(t *testing.T) {
	addr := startServer(t, func(*rpc.Server) {})
	r := grpcurl(t, nil, addr, "list")
	assert.Equal(t, 1, r.exitCode)
	assert.Contains(t, r.stderr, "server does not support the reflection API")
}
