package stacks

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	grpcotel "google.golang.org/grpc/stats/opentelemetry"

	"github.com/actorpc/actorpc/rpc"
	rpcotel "github.com/actorpc/actorpc/rpc/stats/opentelemetry"
)

// otelProviders are what one server or one client records into with
// Config.OTel: metrics into a ManualReader that nobody collects (the
// instruments still aggregate every measurement), and every span sampled
// and recorded, ended into an exporter that drops it. Both stacks get the
// same, so that the difference between them is their handler's cost, not
// the SDK's work after it.
type otelProviders struct {
	meters *sdkmetric.MeterProvider
	traces *sdktrace.TracerProvider
}

func newOTelProviders() *otelProviders {
	return newOTelProvidersInto(sdkmetric.NewManualReader(), tracetest.NewNoopExporter())
}

// newOTelProvidersInto records metrics into reader and spans into spans:
// the bench's providers, or a test's that reads what was recorded.
func newOTelProvidersInto(reader sdkmetric.Reader, spans sdktrace.SpanExporter) *otelProviders {
	return &otelProviders{
		meters: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		// WithSyncer, not WithBatcher: the span is handed to the
		// exporter when it ends, on the caller's goroutine, with no
		// background goroutine or queue of its own.
		traces: sdktrace.NewTracerProvider(
			sdktrace.WithSampler(sdktrace.AlwaysSample()),
			sdktrace.WithSyncer(spans),
		),
	}
}

// otel is the providers cfg asks for: nil without OTel, else fresh ones
// (from cfg.newOTel when a test sets it).
func (cfg Config) otel() *otelProviders {
	switch {
	case !cfg.OTel:
		return nil
	case cfg.newOTel != nil:
		return cfg.newOTel()
	default:
		return newOTelProviders()
	}
}

// shutdown ends both providers (nil: none). Neither has a goroutine or an
// exporter that can fail, so there is nothing to flush and no error worth
// a bench's attention.
func (p *otelProviders) shutdown() {
	if p == nil {
		return
	}
	ctx := context.Background()
	_ = p.meters.Shutdown(ctx)
	_ = p.traces.Shutdown(ctx)
}

// actorpcOptions is actorpc's OpenTelemetry configuration over p: the
// same fields as grpcOptions, field for field.
func (p *otelProviders) actorpcOptions() rpcotel.Options {
	return rpcotel.Options{
		MetricsOptions: rpcotel.MetricsOptions{MeterProvider: p.meters},
		TraceOptions: rpcotel.TraceOptions{
			TracerProvider:    p.traces,
			TextMapPropagator: propagation.TraceContext{},
		},
	}
}

// grpcOptions is grpc-go's. grpc-go records spans only when both the
// TracerProvider and the TextMapPropagator are set, so both stacks are
// given W3C trace context explicitly (actorpc's default anyway).
func (p *otelProviders) grpcOptions() grpcotel.Options {
	o := grpcotel.Options{MetricsOptions: grpcotel.MetricsOptions{MeterProvider: p.meters}}
	o.TraceOptions.TracerProvider = p.traces
	o.TraceOptions.TextMapPropagator = propagation.TraceContext{}
	return o
}

func (p *otelProviders) actorpcServer() rpc.ServerOption {
	return rpcotel.ServerOption(p.actorpcOptions())
}
func (p *otelProviders) actorpcDial() rpc.DialOption   { return rpcotel.DialOption(p.actorpcOptions()) }
func (p *otelProviders) grpcServer() grpc.ServerOption { return grpcotel.ServerOption(p.grpcOptions()) }
func (p *otelProviders) grpcDial() grpc.DialOption     { return grpcotel.DialOption(p.grpcOptions()) }
