package opentelemetry_test

import (
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/stats/opentelemetry"
	"github.com/actorpc/actorpc/rpc/status"
)

// helloSize is the size of EchoRequest{Message: "hello"} and of its echo:
// a tag, a length and five bytes.
const helloSize = 7

// labels is a set of attributes as a map, for comparing.
func labels(s attribute.Set) map[string]string {
	out := map[string]string{}
	for _, kv := range s.ToSlice() {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

// counter returns the points of the int64 counter name, with its unit.
func counter(t *testing.T, ms map[string]metricdata.Metrics, name, unit string) []metricdata.DataPoint[int64] {
	t.Helper()
	m, ok := ms[name]
	require.True(t, ok, "metric %s not recorded", name)
	assert.Equal(t, unit, m.Unit, name)
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a %T, want an int64 counter", name, m.Data)
	assert.True(t, sum.IsMonotonic, name)
	return sum.DataPoints
}

// histogram returns the points of the histogram name, checking its unit
// and its bucket bounds.
func histogram[N int64 | float64](t *testing.T, ms map[string]metricdata.Metrics, name, unit string, bounds []float64) []metricdata.HistogramDataPoint[N] {
	t.Helper()
	m, ok := ms[name]
	require.True(t, ok, "metric %s not recorded", name)
	assert.Equal(t, unit, m.Unit, name)
	h, ok := m.Data.(metricdata.Histogram[N])
	require.True(t, ok, "%s is a %T", name, m.Data)
	for _, p := range h.DataPoints {
		assert.Equal(t, bounds, p.Bounds, name)
	}
	return h.DataPoints
}

func TestClientAndServerMetricsOfAnOKCall(t *testing.T) {
	e := newEnv(t, setup{})
	_, err := e.client.UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	e.waitServerEnds(t, 1)

	target := "passthrough:///" + e.addr
	call := map[string]string{"grpc.method": unaryLabel, "grpc.target": target}
	ended := map[string]string{"grpc.method": unaryLabel, "grpc.target": target, "grpc.status": "OK"}

	cm := collect(t, e.clientMetrics)
	started := counter(t, cm, "grpc.client.attempt.started", "{attempt}")
	require.Len(t, started, 1)
	assert.Equal(t, call, labels(started[0].Attributes))
	assert.Equal(t, int64(1), started[0].Value)

	for _, name := range []string{"grpc.client.attempt.duration", "grpc.client.call.duration"} {
		d := histogram[float64](t, cm, name, "s", opentelemetry.DefaultLatencyBounds)
		require.Len(t, d, 1, name)
		assert.Equal(t, ended, labels(d[0].Attributes), name)
		assert.Equal(t, uint64(1), d[0].Count, name)
		assert.Positive(t, d[0].Sum, name)
	}
	for _, name := range []string{"grpc.client.attempt.sent_total_compressed_message_size", "grpc.client.attempt.rcvd_total_compressed_message_size"} {
		s := histogram[int64](t, cm, name, "By", opentelemetry.DefaultSizeBounds)
		require.Len(t, s, 1, name)
		assert.Equal(t, ended, labels(s[0].Attributes), name)
		assert.Equal(t, int64(helloSize), s[0].Sum, name)
	}

	sm := collect(t, e.serverMetrics)
	calls := counter(t, sm, "grpc.server.call.started", "{call}")
	require.Len(t, calls, 1)
	assert.Equal(t, map[string]string{"grpc.method": unaryLabel}, labels(calls[0].Attributes))
	assert.Equal(t, int64(1), calls[0].Value)
	serverEnded := map[string]string{"grpc.method": unaryLabel, "grpc.status": "OK"}
	d := histogram[float64](t, sm, "grpc.server.call.duration", "s", opentelemetry.DefaultLatencyBounds)
	require.Len(t, d, 1)
	assert.Equal(t, serverEnded, labels(d[0].Attributes))
	assert.Equal(t, uint64(1), d[0].Count)
	for _, name := range []string{"grpc.server.call.sent_total_compressed_message_size", "grpc.server.call.rcvd_total_compressed_message_size"} {
		s := histogram[int64](t, sm, name, "By", opentelemetry.DefaultSizeBounds)
		require.Len(t, s, 1, name)
		assert.Equal(t, serverEnded, labels(s[0].Attributes), name)
		assert.Equal(t, int64(helloSize), s[0].Sum, name)
	}
}

func TestMetricsLabelAFailedCallWithItsStatus(t *testing.T) {
	for code, name := range map[codes.Code]string{codes.Unavailable: "UNAVAILABLE", codes.Canceled: "CANCELLED", codes.NotFound: "NOT_FOUND"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, setup{})
			ctx := metadata.AppendToOutgoingContext(t.Context(), echoserver.StatusKey, itoa(code))
			_, err := e.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"})
			require.Equal(t, code, status.Code(err))
			e.waitServerEnds(t, 1)

			for _, metric := range []string{"grpc.client.attempt.duration", "grpc.client.call.duration"} {
				d := histogram[float64](t, collect(t, e.clientMetrics), metric, "s", opentelemetry.DefaultLatencyBounds)
				require.Len(t, d, 1, metric)
				assert.Equal(t, name, labels(d[0].Attributes)["grpc.status"], metric)
			}
			sent := histogram[int64](t, collect(t, e.clientMetrics), "grpc.client.attempt.sent_total_compressed_message_size", "By", opentelemetry.DefaultSizeBounds)
			require.Len(t, sent, 1)
			assert.Equal(t, int64(helloSize), sent[0].Sum)
			rcvd := histogram[int64](t, collect(t, e.clientMetrics), "grpc.client.attempt.rcvd_total_compressed_message_size", "By", opentelemetry.DefaultSizeBounds)
			require.Len(t, rcvd, 1)
			assert.Equal(t, int64(0), rcvd[0].Sum, "a failed call has no response")

			d := histogram[float64](t, collect(t, e.serverMetrics), "grpc.server.call.duration", "s", opentelemetry.DefaultLatencyBounds)
			require.Len(t, d, 1)
			assert.Equal(t, map[string]string{"grpc.method": unaryLabel, "grpc.status": name}, labels(d[0].Attributes))
		})
	}
}

func TestStreamingMetricsSumEveryMessage(t *testing.T) {
	e := newEnv(t, setup{})
	stream, err := e.client.BidirectionalStreamingEcho(t.Context())
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, stream.Send(&echopb.EchoRequest{Message: "hello"}))
		_, err := stream.Recv()
		require.NoError(t, err)
	}
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
	e.waitServerEnds(t, 1)

	const method = "grpc.examples.echo.Echo/BidirectionalStreamingEcho"
	cm := collect(t, e.clientMetrics)
	for _, name := range []string{"grpc.client.attempt.sent_total_compressed_message_size", "grpc.client.attempt.rcvd_total_compressed_message_size"} {
		s := histogram[int64](t, cm, name, "By", opentelemetry.DefaultSizeBounds)
		require.Len(t, s, 1, name)
		assert.Equal(t, int64(3*helloSize), s[0].Sum, name)
		assert.Equal(t, method, labels(s[0].Attributes)["grpc.method"], name)
	}
	d := histogram[float64](t, cm, "grpc.client.call.duration", "s", opentelemetry.DefaultLatencyBounds)
	require.Len(t, d, 1)
	assert.Equal(t, "OK", labels(d[0].Attributes)["grpc.status"])

	sm := collect(t, e.serverMetrics)
	for _, name := range []string{"grpc.server.call.sent_total_compressed_message_size", "grpc.server.call.rcvd_total_compressed_message_size"} {
		s := histogram[int64](t, sm, name, "By", opentelemetry.DefaultSizeBounds)
		require.Len(t, s, 1, name)
		assert.Equal(t, int64(3*helloSize), s[0].Sum, name)
	}
}

func TestMetricSetChoosesWhatIsRecorded(t *testing.T) {
	set := opentelemetry.DefaultMetrics().Remove("grpc.client.attempt.started", "grpc.server.call.started")
	e := newEnv(t, setup{metrics: set})
	_, err := e.client.UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	e.waitServerEnds(t, 1)

	cm, sm := collect(t, e.clientMetrics), collect(t, e.serverMetrics)
	assert.NotContains(t, cm, "grpc.client.attempt.started")
	assert.NotContains(t, sm, "grpc.server.call.started")
	assert.Contains(t, cm, "grpc.client.call.duration")
	assert.Contains(t, sm, "grpc.server.call.duration")
	assert.True(t, opentelemetry.DefaultMetrics().Metrics()["grpc.client.attempt.started"], "Remove returned a copy")
}

// itoa is code as echo-status wants it.
func itoa(code codes.Code) string { return strconv.FormatUint(uint64(code), 10) }

func TestStreamSentAndReceivedOnTwoGoroutines(t *testing.T) {
	e := newEnv(t, setup{})
	stream, err := e.client.BidirectionalStreamingEcho(t.Context())
	require.NoError(t, err)
	const n = 20
	sent := make(chan error, 1)
	go func() {
		for range n {
			if err := stream.Send(&echopb.EchoRequest{Message: "hello"}); err != nil {
				sent <- err
				return
			}
		}
		sent <- stream.CloseSend()
	}()
	for range n {
		_, err := stream.Recv()
		require.NoError(t, err)
	}
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
	require.NoError(t, <-sent)
	e.waitServerEnds(t, 1)

	cm := collect(t, e.clientMetrics)
	for _, name := range []string{"grpc.client.attempt.sent_total_compressed_message_size", "grpc.client.attempt.rcvd_total_compressed_message_size"} {
		s := histogram[int64](t, cm, name, "By", opentelemetry.DefaultSizeBounds)
		require.Len(t, s, 1, name)
		assert.Equal(t, int64(n*helloSize), s[0].Sum, name)
	}
}
