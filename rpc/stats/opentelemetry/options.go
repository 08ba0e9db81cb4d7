package opentelemetry

import (
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Options are the options of OpenTelemetry instrumentation.
type Options struct {
	// MetricsOptions are the options of metrics.
	MetricsOptions MetricsOptions
	// TraceOptions are the options of traces.
	TraceOptions TraceOptions
}

// MetricsOptions are the options of metrics.
type MetricsOptions struct {
	// MeterProvider makes the instruments. Metrics are recorded only when
	// it is set: the global MeterProvider is never used (gRFC A66). Views
	// and bounds set in the provider win over this package's advice
	// (DefaultLatencyBounds, DefaultSizeBounds).
	MeterProvider metric.MeterProvider

	// Metrics is the set of metrics to record; nil records
	// DefaultMetrics().
	Metrics *MetricSet

	// MethodAttributeFilter decides, on a server, whether a method is
	// recorded in grpc.method under its own name or as "other". Without
	// it, methods registered on the server keep their names and others
	// (served by an UnknownServiceHandler, or by none) are "other"; with
	// it, a method keeps its name only when the filter returns true. Take
	// care to allow few names: each is a time series.
	//
	// On a client, a method keeps its name when the call has the
	// rpc.StaticMethod call option (generated stubs pass it), and is
	// "other" otherwise.
	MethodAttributeFilter func(method string) bool
}

// TraceOptions are the options of traces.
type TraceOptions struct {
	// TracerProvider makes the spans. Traces are recorded only when it is
	// set.
	TracerProvider trace.TracerProvider

	// TextMapPropagator writes the span context into a call's metadata on
	// a client and reads it on a server. Nil means W3C trace context
	// (propagation.TraceContext: the "traceparent" and "tracestate"
	// metadata). To speak to several kinds of peers, pass a composite one
	// (propagation.NewCompositeTextMapPropagator).
	TextMapPropagator propagation.TextMapPropagator
}

func (o *Options) metricsEnabled() bool { return o.MetricsOptions.MeterProvider != nil }

func (o *Options) tracingEnabled() bool { return o.TraceOptions.TracerProvider != nil }

// propagator is the TextMapPropagator to use: the one set, else W3C trace
// context.
func (o *TraceOptions) propagator() propagation.TextMapPropagator {
	if o.TextMapPropagator != nil {
		return o.TextMapPropagator
	}
	return propagation.TraceContext{}
}

// scopeName names this instrumentation to OpenTelemetry: the Meter and the
// Tracer are made with it. gRFC A66 asks for a name that says which gRPC
// library records ("grpc-go", "grpc-java"); this one is actorpc.
const scopeName = "actorpc"
