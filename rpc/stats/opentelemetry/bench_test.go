package opentelemetry_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/stats/opentelemetry"
)

// BenchmarkUnary measures a unary echo call over loopback with no
// OpenTelemetry, with metrics, and with metrics and traces (on both the
// client and the server, each recording into the SDK).
func BenchmarkUnary(b *testing.B) {
	metrics := func() opentelemetry.MetricsOptions {
		return opentelemetry.MetricsOptions{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))}
	}
	traces := func() opentelemetry.TraceOptions {
		// A span recorder keeps every span; a batcher would export them
		// on a goroutine of its own. This discards them as they end.
		return opentelemetry.TraceOptions{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))}
	}
	for _, bc := range []struct {
		name string
		opts func() *opentelemetry.Options // nil: no OpenTelemetry
	}{
		{"plain", nil},
		{"otel-metrics", func() *opentelemetry.Options { return &opentelemetry.Options{MetricsOptions: metrics()} }},
		{"otel-metrics+traces", func() *opentelemetry.Options {
			return &opentelemetry.Options{MetricsOptions: metrics(), TraceOptions: traces()}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var serverOpts []rpc.ServerOption
			dialOpts := []rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}
			if bc.opts != nil {
				serverOpts = append(serverOpts, opentelemetry.ServerOption(*bc.opts()))
				dialOpts = append(dialOpts, opentelemetry.DialOption(*bc.opts()))
			}
			client := benchEcho(b, serverOpts, dialOpts)
			req := &echopb.EchoRequest{Message: "hello"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.UnaryEcho(b.Context(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchEcho serves echo on loopback and returns a client of it.
func benchEcho(b *testing.B, serverOpts []rpc.ServerOption, dialOpts []rpc.DialOption) echopb.EchoClient {
	s := rpc.NewServer(serverOpts...)
	echoserver.Register(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	b.Cleanup(func() {
		s.Stop()
		<-served
	})
	cc, err := rpc.NewClient("passthrough:///"+lis.Addr().String(), dialOpts...)
	require.NoError(b, err)
	b.Cleanup(func() { cc.Close() })
	return echopb.NewEchoClient(cc)
}

// discard is a span processor that drops every span.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }
