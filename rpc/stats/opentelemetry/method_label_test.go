package opentelemetry_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/stats/opentelemetry"
	"github.com/actorpc/actorpc/rpc/status"
)

// serverMethodLabel is the grpc.method the server recorded its one call
// under.
func serverMethodLabel(t *testing.T, e *env) string {
	t.Helper()
	started := counter(t, collect(t, e.serverMetrics), "grpc.server.call.started", "{call}")
	require.Len(t, started, 1)
	return labels(started[0].Attributes)["grpc.method"]
}

// clientMethodLabel is the grpc.method the client recorded its one call
// under.
func clientMethodLabel(t *testing.T, e *env) string {
	t.Helper()
	d := histogram[float64](t, collect(t, e.clientMetrics), "grpc.client.call.duration", "s", opentelemetry.DefaultLatencyBounds)
	require.Len(t, d, 1)
	return labels(d[0].Attributes)["grpc.method"]
}

func TestClientLabelsOnlyStaticMethodsByName(t *testing.T) {
	e := newEnv(t, setup{})
	// Invoke without rpc.StaticMethod: the name could have come from a
	// request, so the client records "other"; the server knows the method.
	require.NoError(t, e.cc.Invoke(t.Context(), unaryMethod, &echopb.EchoRequest{Message: "hello"}, new(echopb.EchoResponse)))
	e.waitServerEnds(t, 1)
	assert.Equal(t, "other", clientMethodLabel(t, e))
	assert.Equal(t, unaryLabel, serverMethodLabel(t, e))
}

// unknownMethod is served by no registered service.
const unknownMethod = "/grpc.examples.echo.Echo/NoSuchMethod"

// unknownHandler answers every call it is given with NotFound.
func unknownHandler(any, rpc.ServerStream) error { return status.Error(codes.NotFound, "not here") }

func TestServerLabelsUnregisteredMethodsOther(t *testing.T) {
	for name, su := range map[string]setup{
		"no handler":      {},
		"unknown handler": {serverOpts: []rpc.ServerOption{rpc.UnknownServiceHandler(unknownHandler)}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, su)
			err := e.cc.Invoke(t.Context(), unknownMethod, &echopb.EchoRequest{}, new(echopb.EchoResponse), rpc.StaticMethod())
			require.Error(t, err)
			e.waitServerEnds(t, 1)
			assert.Equal(t, "other", serverMethodLabel(t, e))
			assert.Equal(t, "grpc.examples.echo.Echo/NoSuchMethod", clientMethodLabel(t, e), "StaticMethod: the client records the name")
		})
	}
}

func TestMethodAttributeFilterDecidesOnTheServer(t *testing.T) {
	allowUnknown := func(method string) bool { return method == unknownMethod }
	e := newEnv(t, setup{
		methodFilter: allowUnknown,
		serverOpts:   []rpc.ServerOption{rpc.UnknownServiceHandler(unknownHandler)},
	})
	err := e.cc.Invoke(t.Context(), unknownMethod, &echopb.EchoRequest{}, new(echopb.EchoResponse))
	require.Equal(t, codes.NotFound, status.Code(err))
	e.waitServerEnds(t, 1)
	assert.Equal(t, "grpc.examples.echo.Echo/NoSuchMethod", serverMethodLabel(t, e))

	e = newEnv(t, setup{methodFilter: allowUnknown})
	_, err = e.client.UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	e.waitServerEnds(t, 1)
	assert.Equal(t, "other", serverMethodLabel(t, e), "the filter refused a registered method")
}

func TestNoProvidersLeaveCallsAlone(t *testing.T) {
	// Neither a MeterProvider nor a TracerProvider: both options add
	// nothing, and calls go on as without them.
	s := rpc.NewServer(opentelemetry.ServerOption(opentelemetry.Options{}))
	echoserver.Register(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	defer func() {
		s.Stop()
		<-served
	}()
	cc, err := rpc.NewClient("passthrough:///"+lis.Addr().String(),
		rpc.WithTransportCredentials(insecure.NewCredentials()),
		opentelemetry.DialOption(opentelemetry.Options{}))
	require.NoError(t, err)
	defer cc.Close()
	out, err := echopb.NewEchoClient(cc).UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	assert.Equal(t, "hello", out.GetMessage())
}
