package opentelemetry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/stats/opentelemetry"
	"github.com/actorpc/actorpc/rpc/status"
)

// retryThrice retries the echo service's UNAVAILABLE calls, up to three
// attempts in all.
const retryThrice = `{"methodConfig": [{
	"name": [{"service": "grpc.examples.echo.Echo"}],
	"retryPolicy": {
		"maxAttempts": 3, "initialBackoff": "0.001s", "maxBackoff": "0.001s",
		"backoffMultiplier": 1, "retryableStatusCodes": ["UNAVAILABLE"]
	}
}]}`

func TestRetriedCallCountsEveryAttempt(t *testing.T) {
	e := newEnv(t, setup{dialOpts: []rpc.DialOption{rpc.WithDefaultServiceConfig(retryThrice)}})
	ctx := metadata.AppendToOutgoingContext(t.Context(), echoserver.StatusKey, itoa(codes.Unavailable))
	_, err := e.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"})
	require.Equal(t, codes.Unavailable, status.Code(err))
	e.waitServerEnds(t, 3)

	cm := collect(t, e.clientMetrics)
	started := counter(t, cm, "grpc.client.attempt.started", "{attempt}")
	require.Len(t, started, 1)
	assert.Equal(t, int64(3), started[0].Value)
	attempts := histogram[float64](t, cm, "grpc.client.attempt.duration", "s", opentelemetry.DefaultLatencyBounds)
	require.Len(t, attempts, 1)
	assert.Equal(t, uint64(3), attempts[0].Count)
	assert.Equal(t, "UNAVAILABLE", labels(attempts[0].Attributes)["grpc.status"])
	sent := histogram[int64](t, cm, "grpc.client.attempt.sent_total_compressed_message_size", "By", opentelemetry.DefaultSizeBounds)
	require.Len(t, sent, 1)
	assert.Equal(t, int64(3*helloSize), sent[0].Sum, "each attempt sends the request")
	calls := histogram[float64](t, cm, "grpc.client.call.duration", "s", opentelemetry.DefaultLatencyBounds)
	require.Len(t, calls, 1)
	assert.Equal(t, uint64(1), calls[0].Count, "one call")

	serverCalls := counter(t, collect(t, e.serverMetrics), "grpc.server.call.started", "{call}")
	require.Len(t, serverCalls, 1)
	assert.Equal(t, int64(3), serverCalls[0].Value)

	// One call span, three attempt spans under it numbered by
	// previous-rpc-attempts, and one server span under each attempt.
	callSpans := named(e.clientSpans.Ended(), "Sent.grpc.examples.echo.Echo.UnaryEcho")
	require.Len(t, callSpans, 1)
	attemptSpans := named(e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.UnaryEcho")
	require.Len(t, attemptSpans, 3)
	serverSpans := named(e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.UnaryEcho")
	require.Len(t, serverSpans, 3)
	var previous []int64
	for _, a := range attemptSpans {
		assert.Equal(t, callSpans[0].SpanContext().SpanID(), a.Parent().SpanID())
		attrs := attributes(a.Attributes())
		previous = append(previous, attrs["previous-rpc-attempts"].AsInt64())
		assert.False(t, attrs["transparent-retry"].AsBool())
		assert.Len(t, childrenOf(serverSpans, a), 1, "one server span per attempt")
	}
	assert.ElementsMatch(t, []int64{0, 1, 2}, previous)
}

// named returns the spans called name.
func named(spans []trace.ReadOnlySpan, name string) []trace.ReadOnlySpan {
	var out []trace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// childrenOf returns the spans whose parent is parent.
func childrenOf(spans []trace.ReadOnlySpan, parent trace.ReadOnlySpan) []trace.ReadOnlySpan {
	var out []trace.ReadOnlySpan
	for _, s := range spans {
		if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.Parent().TraceID() == parent.SpanContext().TraceID() {
			out = append(out, s)
		}
	}
	return out
}

// attributes is kvs by key.
func attributes(kvs []attribute.KeyValue) map[string]attribute.Value {
	out := map[string]attribute.Value{}
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value
	}
	return out
}

// hedgeThrice sends the echo service's calls three times at once (no
// delay between attempts), going on past UNAVAILABLE.
const hedgeThrice = `{"methodConfig": [{
	"name": [{"service": "grpc.examples.echo.Echo"}],
	"hedgingPolicy": {"maxAttempts": 3, "hedgingDelay": "0s", "nonFatalStatusCodes": ["UNAVAILABLE"]}
}]}`

func TestHedgedAttemptsEachCountAndNumberApart(t *testing.T) {
	e := newEnv(t, setup{dialOpts: []rpc.DialOption{rpc.WithDefaultServiceConfig(hedgeThrice)}})
	ctx := metadata.AppendToOutgoingContext(t.Context(), echoserver.StatusKey, itoa(codes.Unavailable))
	_, err := e.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"})
	require.Equal(t, codes.Unavailable, status.Code(err))
	e.waitServerEnds(t, 3)

	started := counter(t, collect(t, e.clientMetrics), "grpc.client.attempt.started", "{attempt}")
	require.Len(t, started, 1)
	assert.Equal(t, int64(3), started[0].Value)
	var previous []int64
	for _, a := range named(e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.UnaryEcho") {
		previous = append(previous, attributes(a.Attributes())["previous-rpc-attempts"].AsInt64())
	}
	assert.ElementsMatch(t, []int64{0, 1, 2}, previous, "attempts begun side by side still number apart")
}
