package opentelemetry

import (
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// The units of gRFC A66.
const (
	unitSeconds  = "s"
	unitBytes    = "By"
	unitCalls    = "{call}"
	unitAttempts = "{attempt}"
)

// clientInstruments are a client's instruments; one not recorded (not in
// the MetricSet, or without a MeterProvider) is a no-op.
type clientInstruments struct {
	attemptStarted  metric.Int64Counter
	attemptDuration metric.Float64Histogram
	attemptSent     metric.Int64Histogram
	attemptRcvd     metric.Int64Histogram
	callDuration    metric.Float64Histogram
}

// serverInstruments are a server's instruments, as clientInstruments.
type serverInstruments struct {
	callStarted  metric.Int64Counter
	callDuration metric.Float64Histogram
	callSent     metric.Int64Histogram
	callRcvd     metric.Int64Histogram
}

// instrumentMaker makes the instruments of one MeterProvider and set.
type instrumentMaker struct {
	meter metric.Meter // nil: no metrics
	set   *MetricSet
}

func newInstrumentMaker(o MetricsOptions) instrumentMaker {
	m := instrumentMaker{set: o.Metrics}
	if m.set == nil {
		m.set = DefaultMetrics()
	}
	if o.MeterProvider != nil {
		m.meter = o.MeterProvider.Meter(scopeName)
	}
	return m
}

func (m instrumentMaker) client() clientInstruments {
	return clientInstruments{
		attemptStarted: m.counter(ClientAttemptStartedMetricName, unitAttempts,
			"Number of client call attempts started."),
		attemptDuration: m.latency(ClientAttemptDurationMetricName,
			"End-to-end time taken to complete a client call attempt."),
		attemptSent: m.size(ClientAttemptSentCompressedTotalMessageSizeMetricName,
			"Compressed message bytes sent per client call attempt."),
		attemptRcvd: m.size(ClientAttemptRcvdCompressedTotalMessageSizeMetricName,
			"Compressed message bytes received per call attempt."),
		callDuration: m.latency(ClientCallDurationMetricName,
			"Time taken by gRPC to complete an RPC from application's perspective."),
	}
}

func (m instrumentMaker) server() serverInstruments {
	return serverInstruments{
		callStarted: m.counter(ServerCallStartedMetricName, unitCalls,
			"Number of server calls started."),
		callDuration: m.latency(ServerCallDurationMetricName,
			"End-to-end time taken to complete a call from server transport's perspective."),
		callSent: m.size(ServerCallSentCompressedTotalMessageSizeMetricName,
			"Compressed message bytes sent per server call."),
		callRcvd: m.size(ServerCallRcvdCompressedTotalMessageSizeMetricName,
			"Compressed message bytes received per server call."),
	}
}

// The makers below return a no-op instrument for a metric not recorded,
// and for one the meter refuses (its error goes to OpenTelemetry's error
// handler), so that recording never has to ask.

func (m instrumentMaker) counter(name, unit, desc string) metric.Int64Counter {
	if m.meter == nil || !m.set.has(name) {
		return noop.Int64Counter{}
	}
	c, err := m.meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	if err != nil {
		otel.Handle(fmt.Errorf("actorpc opentelemetry: metric %s will not be recorded: %w", name, err))
		return noop.Int64Counter{}
	}
	return c
}

func (m instrumentMaker) latency(name, desc string) metric.Float64Histogram {
	if m.meter == nil || !m.set.has(name) {
		return noop.Float64Histogram{}
	}
	h, err := m.meter.Float64Histogram(name, metric.WithUnit(unitSeconds), metric.WithDescription(desc),
		metric.WithExplicitBucketBoundaries(DefaultLatencyBounds...))
	if err != nil {
		otel.Handle(fmt.Errorf("actorpc opentelemetry: metric %s will not be recorded: %w", name, err))
		return noop.Float64Histogram{}
	}
	return h
}

func (m instrumentMaker) size(name, desc string) metric.Int64Histogram {
	if m.meter == nil || !m.set.has(name) {
		return noop.Int64Histogram{}
	}
	h, err := m.meter.Int64Histogram(name, metric.WithUnit(unitBytes), metric.WithDescription(desc),
		metric.WithExplicitBucketBoundaries(DefaultSizeBounds...))
	if err != nil {
		otel.Handle(fmt.Errorf("actorpc opentelemetry: metric %s will not be recorded: %w", name, err))
		return noop.Int64Histogram{}
	}
	return h
}
