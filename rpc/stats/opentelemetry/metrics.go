package opentelemetry

import "maps"

// The names of the metrics this package records (gRFC A66).
const (
	// ClientAttemptStartedMetricName counts the client's call attempts
	// started ({attempt}).
	ClientAttemptStartedMetricName = "grpc.client.attempt.started"
	// ClientAttemptDurationMetricName is the time of one attempt, from its
	// start (before the pick of a backend) to its status (s).
	ClientAttemptDurationMetricName = "grpc.client.attempt.duration"
	// ClientAttemptSentCompressedTotalMessageSizeMetricName is the size of
	// an attempt's request messages as sent, compressed when they were,
	// without framing (By).
	ClientAttemptSentCompressedTotalMessageSizeMetricName = "grpc.client.attempt.sent_total_compressed_message_size"
	// ClientAttemptRcvdCompressedTotalMessageSizeMetricName is the size of
	// an attempt's response messages as received (By).
	ClientAttemptRcvdCompressedTotalMessageSizeMetricName = "grpc.client.attempt.rcvd_total_compressed_message_size"
	// ClientCallDurationMetricName is the time of a call as the
	// application sees it, all attempts included (s).
	ClientCallDurationMetricName = "grpc.client.call.duration"

	// ServerCallStartedMetricName counts the server's calls started
	// ({call}).
	ServerCallStartedMetricName = "grpc.server.call.started"
	// ServerCallDurationMetricName is the time of a server call, from its
	// headers to its status (s).
	ServerCallDurationMetricName = "grpc.server.call.duration"
	// ServerCallSentCompressedTotalMessageSizeMetricName is the size of a
	// call's response messages as sent (By).
	ServerCallSentCompressedTotalMessageSizeMetricName = "grpc.server.call.sent_total_compressed_message_size"
	// ServerCallRcvdCompressedTotalMessageSizeMetricName is the size of a
	// call's request messages as received (By).
	ServerCallRcvdCompressedTotalMessageSizeMetricName = "grpc.server.call.rcvd_total_compressed_message_size"
)

// The bucket boundaries of gRFC A66, given to the MeterProvider as advice
// for the histograms. A view set in the provider wins over them.
var (
	// DefaultLatencyBounds are the bounds of the duration histograms, in
	// seconds.
	DefaultLatencyBounds = []float64{0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100}
	// DefaultSizeBounds are the bounds of the size histograms, in bytes.
	DefaultSizeBounds = []float64{0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296}
)

// MetricSet is a set of metric names. It is immutable: Add and Remove
// return a new set.
type MetricSet struct {
	names map[string]bool
}

// NewMetricSet returns the set of names.
func NewMetricSet(names ...string) *MetricSet {
	return (&MetricSet{}).Add(names...)
}

// Add returns a copy of the set with names added.
func (s *MetricSet) Add(names ...string) *MetricSet {
	out := &MetricSet{names: maps.Clone(s.names)}
	if out.names == nil {
		out.names = make(map[string]bool, len(names))
	}
	for _, n := range names {
		out.names[n] = true
	}
	return out
}

// Remove returns a copy of the set without names.
func (s *MetricSet) Remove(names ...string) *MetricSet {
	out := &MetricSet{names: maps.Clone(s.names)}
	for _, n := range names {
		delete(out.names, n)
	}
	return out
}

// Metrics returns the set's names, as a map to true. The caller must not
// change it.
func (s *MetricSet) Metrics() map[string]bool { return s.names }

// has reports whether name is in the set.
func (s *MetricSet) has(name string) bool { return s.names[name] }

// DefaultMetrics returns the metrics recorded when MetricsOptions.Metrics
// is nil: all of gRFC A66's per-call metrics.
func DefaultMetrics() *MetricSet {
	return NewMetricSet(
		ClientAttemptStartedMetricName,
		ClientAttemptDurationMetricName,
		ClientAttemptSentCompressedTotalMessageSizeMetricName,
		ClientAttemptRcvdCompressedTotalMessageSizeMetricName,
		ClientCallDurationMetricName,
		ServerCallStartedMetricName,
		ServerCallDurationMetricName,
		ServerCallSentCompressedTotalMessageSizeMetricName,
		ServerCallRcvdCompressedTotalMessageSizeMetricName,
	)
}
