package opentelemetry_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/stats"
	"github.com/actorpc/actorpc/rpc/stats/opentelemetry"
)

// The echo service's unary method, as called and as labelled.
const (
	unaryMethod = "/grpc.examples.echo.Echo/UnaryEcho"
	unaryLabel  = "grpc.examples.echo.Echo/UnaryEcho"
)

// setup is what a test changes of the default client and server.
type setup struct {
	dialOpts   []rpc.DialOption
	serverOpts []rpc.ServerOption
	// propagator is given to both sides; nil leaves the default.
	propagator propagation.TextMapPropagator
	// metrics is given to both sides; nil leaves the default.
	metrics *opentelemetry.MetricSet
	// methodFilter is given to the server.
	methodFilter func(string) bool
}

// env is an echo server and a client of it, each recording into its own
// in-memory metric reader and span recorder.
type env struct {
	cc     *rpc.ClientConn
	client echopb.EchoClient
	addr   string

	clientMetrics, serverMetrics *sdkmetric.ManualReader
	clientSpans, serverSpans     *tracetest.SpanRecorder
	// clientTracer is the client's TracerProvider, for the application's
	// own spans.
	clientTracer *sdktrace.TracerProvider
	// serverEnds receives once per server call, after the OpenTelemetry
	// handler has recorded its end: the server may end a call after the
	// client has its status.
	serverEnds chan struct{}
}

func newEnv(t testing.TB, su setup) *env {
	t.Helper()
	e := &env{
		clientMetrics: sdkmetric.NewManualReader(),
		serverMetrics: sdkmetric.NewManualReader(),
		clientSpans:   tracetest.NewSpanRecorder(),
		serverSpans:   tracetest.NewSpanRecorder(),
		serverEnds:    make(chan struct{}, 64),
	}
	options := func(r *sdkmetric.ManualReader, tp *sdktrace.TracerProvider) opentelemetry.Options {
		return opentelemetry.Options{
			MetricsOptions: opentelemetry.MetricsOptions{
				MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(r)),
				Metrics:       su.metrics,
			},
			TraceOptions: opentelemetry.TraceOptions{
				TracerProvider:    tp,
				TextMapPropagator: su.propagator,
			},
		}
	}
	e.clientTracer = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.clientSpans))
	serverTracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.serverSpans))

	so := options(e.serverMetrics, serverTracer)
	so.MetricsOptions.MethodAttributeFilter = su.methodFilter
	s := rpc.NewServer(append([]rpc.ServerOption{
		opentelemetry.ServerOption(so),
		rpc.StatsHandler(endSignal(e.serverEnds)),
	}, su.serverOpts...)...)
	echoserver.Register(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil {
			require.ErrorIs(t, err, rpc.ErrServerStopped)
		}
	})
	e.addr = lis.Addr().String()

	e.cc, err = rpc.NewClient("passthrough:///"+e.addr, append([]rpc.DialOption{
		rpc.WithTransportCredentials(insecure.NewCredentials()),
		opentelemetry.DialOption(options(e.clientMetrics, e.clientTracer)),
	}, su.dialOpts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { e.cc.Close() })
	e.client = echopb.NewEchoClient(e.cc)
	return e
}

// waitServerEnds waits until the server has recorded the end of n calls.
func (e *env) waitServerEnds(t testing.TB, n int) {
	t.Helper()
	for range n {
		select {
		case <-e.serverEnds:
		case <-t.Context().Done():
			t.Fatal("the server did not end its calls")
		}
	}
}

// endSignal is a stats handler, stacked after the OpenTelemetry one, that
// tells of each call's end.
type endSignal chan struct{}

func (s endSignal) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (s endSignal) HandleRPC(_ context.Context, rs stats.RPCStats) {
	if _, ok := rs.(*stats.End); ok {
		s <- struct{}{}
	}
}
func (s endSignal) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (s endSignal) HandleConn(context.Context, stats.ConnStats)                       {}

// collect reads every metric of r, by name.
func collect(t testing.TB, r *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, "actorpc", sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}
