package opentelemetry_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	_ "github.com/actorpc/actorpc/rpc/encoding/gzip" // registers "gzip"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// seenMetadata is a server interceptor option that hands over the request
// metadata of each unary call.
func seenMetadata(seen chan<- metadata.MD) rpc.ServerOption {
	return rpc.UnaryInterceptor(func(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		seen <- md
		return handler(ctx, req)
	})
}

// event is a span event as the tests compare it.
type event struct {
	Name  string
	Attrs map[string]int64
}

func events(s sdktrace.ReadOnlySpan) []event {
	var out []event
	for _, e := range s.Events() {
		attrs := map[string]int64{}
		for _, kv := range e.Attributes {
			attrs[string(kv.Key)] = kv.Value.AsInt64()
		}
		out = append(out, event{Name: e.Name, Attrs: attrs})
	}
	return out
}

func one(t *testing.T, spans []sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	found := named(spans, name)
	require.Len(t, found, 1, "spans named %s", name)
	return found[0]
}

func TestSpansOfAnOKCallAndTheirPropagation(t *testing.T) {
	seen := make(chan metadata.MD, 1)
	e := newEnv(t, setup{serverOpts: []rpc.ServerOption{seenMetadata(seen)}})
	_, err := e.client.UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	e.waitServerEnds(t, 1)

	call := one(t, e.clientSpans.Ended(), "Sent.grpc.examples.echo.Echo.UnaryEcho")
	attempt := one(t, e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.UnaryEcho")
	server := one(t, e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.UnaryEcho")

	assert.Equal(t, trace.SpanKindClient, call.SpanKind())
	assert.False(t, call.Parent().IsValid(), "the call span is a root: the application had none")
	assert.Equal(t, otelcodes.Ok, call.Status().Code)

	assert.Equal(t, call.SpanContext().SpanID(), attempt.Parent().SpanID())
	assert.Equal(t, call.SpanContext().TraceID(), attempt.SpanContext().TraceID())
	assert.Equal(t, map[string]attribute.Value{
		"previous-rpc-attempts": attribute.Int64Value(0),
		"transparent-retry":     attribute.BoolValue(false),
	}, attributes(attempt.Attributes()))
	assert.Equal(t, []event{
		{Name: "Outbound message", Attrs: map[string]int64{"sequence-number": 0, "message-size": helloSize}},
		{Name: "Inbound message", Attrs: map[string]int64{"sequence-number": 0, "message-size": helloSize}},
	}, events(attempt))
	assert.Equal(t, otelcodes.Ok, attempt.Status().Code)

	// The server's span is the attempt's child, across the wire, through
	// W3C traceparent metadata.
	assert.Equal(t, trace.SpanKindServer, server.SpanKind())
	assert.True(t, server.Parent().IsRemote())
	assert.Equal(t, attempt.SpanContext().SpanID(), server.Parent().SpanID())
	assert.Equal(t, attempt.SpanContext().TraceID(), server.SpanContext().TraceID())
	assert.Equal(t, []event{
		{Name: "Inbound message", Attrs: map[string]int64{"sequence-number": 0, "message-size": helloSize}},
		{Name: "Outbound message", Attrs: map[string]int64{"sequence-number": 0, "message-size": helloSize}},
	}, events(server))
	assert.Equal(t, otelcodes.Ok, server.Status().Code)

	md := <-seen
	assert.Equal(t, []string{"00-" + attempt.SpanContext().TraceID().String() + "-" + attempt.SpanContext().SpanID().String() + "-01"},
		md.Get("traceparent"))
}

func TestCallSpanIsAChildOfTheApplicationsSpan(t *testing.T) {
	e := newEnv(t, setup{})
	ctx, app := e.clientTracer.Tracer("app").Start(t.Context(), "app")
	_, err := e.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	app.End()
	e.waitServerEnds(t, 1)

	call := one(t, e.clientSpans.Ended(), "Sent.grpc.examples.echo.Echo.UnaryEcho")
	assert.Equal(t, app.SpanContext().SpanID(), call.Parent().SpanID())
	server := one(t, e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.UnaryEcho")
	assert.Equal(t, app.SpanContext().TraceID(), server.SpanContext().TraceID())
}

func TestSpansOfAFailedCallCarryItsStatus(t *testing.T) {
	e := newEnv(t, setup{})
	ctx := metadata.AppendToOutgoingContext(t.Context(),
		echoserver.StatusKey, itoa(codes.NotFound), echoserver.StatusMessageKey, "no such echo")
	_, err := e.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "hello"})
	require.Equal(t, codes.NotFound, status.Code(err))
	e.waitServerEnds(t, 1)

	for _, s := range []sdktrace.ReadOnlySpan{
		one(t, e.clientSpans.Ended(), "Sent.grpc.examples.echo.Echo.UnaryEcho"),
		one(t, e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.UnaryEcho"),
		one(t, e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.UnaryEcho"),
	} {
		assert.Equal(t, sdktrace.Status{Code: otelcodes.Error, Description: "no such echo"}, s.Status(), s.Name())
	}
}

func TestStreamSpansNumberEveryMessageAndTellCompressedSizes(t *testing.T) {
	e := newEnv(t, setup{})
	stream, err := e.client.BidirectionalStreamingEcho(t.Context(), rpc.UseCompressor("gzip"))
	require.NoError(t, err)
	msg := strings.Repeat("a", 1000) // 1003 bytes as protobuf; gzip makes it small
	for range 3 {
		require.NoError(t, stream.Send(&echopb.EchoRequest{Message: msg}))
		_, err := stream.Recv()
		require.NoError(t, err)
	}
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF)
	e.waitServerEnds(t, 1)

	call := one(t, e.clientSpans.Ended(), "Sent.grpc.examples.echo.Echo.BidirectionalStreamingEcho")
	assert.Equal(t, otelcodes.Ok, call.Status().Code)
	attempt := one(t, e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.BidirectionalStreamingEcho")
	var sent, rcvd []int64
	for _, ev := range events(attempt) {
		switch ev.Name {
		case "Outbound message":
			sent = append(sent, ev.Attrs["sequence-number"])
			assert.Equal(t, int64(1003), ev.Attrs["message-size"])
			assert.Less(t, ev.Attrs["message-size-compressed"], int64(100), "gzip'd")
		case "Inbound message":
			rcvd = append(rcvd, ev.Attrs["sequence-number"])
			assert.Equal(t, int64(1003), ev.Attrs["message-size"])
		default:
			t.Errorf("unexpected event %q", ev.Name)
		}
	}
	assert.Equal(t, []int64{0, 1, 2}, sent)
	assert.Equal(t, []int64{0, 1, 2}, rcvd)

	server := one(t, e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.BidirectionalStreamingEcho")
	assert.Equal(t, attempt.SpanContext().SpanID(), server.Parent().SpanID())
	var inbound int
	for _, ev := range events(server) {
		if ev.Name == "Inbound message" {
			assert.Equal(t, int64(inbound), ev.Attrs["sequence-number"])
			assert.Less(t, ev.Attrs["message-size-compressed"], int64(100))
			inbound++
		}
	}
	assert.Equal(t, 3, inbound)
}

// spanHeader is a propagator of its own: the span context as
// "trace-id/span-id" in x-span-context metadata.
type spanHeader struct{}

const spanHeaderKey = "x-span-context"

func (spanHeader) Inject(ctx context.Context, c propagation.TextMapCarrier) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		c.Set(spanHeaderKey, sc.TraceID().String()+"/"+sc.SpanID().String())
	}
}

func (spanHeader) Extract(ctx context.Context, c propagation.TextMapCarrier) context.Context {
	traceHex, spanHex, ok := strings.Cut(c.Get(spanHeaderKey), "/")
	if !ok {
		return ctx
	}
	traceID, err1 := trace.TraceIDFromHex(traceHex)
	spanID, err2 := trace.SpanIDFromHex(spanHex)
	if err1 != nil || err2 != nil {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled, Remote: true,
	}))
}

func (spanHeader) Fields() []string { return []string{spanHeaderKey} }

func TestACustomPropagatorCarriesTheSpanContext(t *testing.T) {
	seen := make(chan metadata.MD, 1)
	e := newEnv(t, setup{propagator: spanHeader{}, serverOpts: []rpc.ServerOption{seenMetadata(seen)}})
	_, err := e.client.UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hello"})
	require.NoError(t, err)
	e.waitServerEnds(t, 1)

	attempt := one(t, e.clientSpans.Ended(), "Attempt.grpc.examples.echo.Echo.UnaryEcho")
	server := one(t, e.serverSpans.Ended(), "Recv.grpc.examples.echo.Echo.UnaryEcho")
	assert.Equal(t, attempt.SpanContext().SpanID(), server.Parent().SpanID())
	assert.Equal(t, attempt.SpanContext().TraceID(), server.SpanContext().TraceID())

	md := <-seen
	assert.Empty(t, md.Get("traceparent"), "W3C is the default only")
	assert.Equal(t, []string{attempt.SpanContext().TraceID().String() + "/" + attempt.SpanContext().SpanID().String()},
		md.Get(spanHeaderKey))
}
