package opentelemetry

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/stats"
)

// ServerOption returns a server option that records a server's metrics
// and traces, as o says: metrics when o has a MeterProvider, traces when
// it has a TracerProvider, nothing when it has neither. It adds a stats
// handler.
func ServerOption(o Options) rpc.ServerOption {
	if !o.metricsEnabled() && !o.tracingEnabled() {
		return join[rpc.ServerOption]()
	}
	return rpc.StatsHandler(newServerHandler(o))
}

// serverHandler records a server's calls. It is immutable: what it learns
// of a call lives in the call's context.
type serverHandler struct {
	inst         serverInstruments
	tracer       trace.Tracer // nil: no traces
	propagator   propagation.TextMapPropagator
	methodFilter func(string) bool
	labels       labelCache
}

func newServerHandler(o Options) *serverHandler {
	h := &serverHandler{
		inst:         newInstrumentMaker(o.MetricsOptions).server(),
		propagator:   o.TraceOptions.propagator(),
		methodFilter: o.MetricsOptions.MethodAttributeFilter,
		labels:       newLabelCache(),
	}
	if tp := o.TraceOptions.TracerProvider; tp != nil {
		h.tracer = tp.Tracer(scopeName)
	}
	return h
}

// serverCall is what the stats handler learns of a call.
type serverCall struct {
	// method is the call's grpc.method.
	method string
	// span is the call's span (nil without traces).
	span trace.Span
	// tally is shared by the goroutines that send and receive on the
	// call's stream.
	// from: the sender to the receiver and back; blocks while one holds it
	tally owned[messageTally]
}

type serverCallKey struct{}

// TagRPC starts a call: its span is a child of the span context its
// metadata carries, if any (the client's attempt span).
func (h *serverHandler) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	c := &serverCall{method: h.methodLabel(ctx, info.FullMethodName), tally: newOwned(messageTally{})}
	if h.tracer != nil {
		md, _ := metadata.FromIncomingContext(ctx)
		ctx = h.propagator.Extract(ctx, incomingCarrier(md))
		ctx, c.span = h.tracer.Start(ctx, spanName(serverSpanPrefix, info.FullMethodName),
			trace.WithSpanKind(trace.SpanKindServer))
	}
	return context.WithValue(ctx, serverCallKey{}, c)
}

// methodLabel is a server call's grpc.method: see
// MetricsOptions.MethodAttributeFilter.
func (h *serverHandler) methodLabel(ctx context.Context, fullMethod string) string {
	keep := rpc.IsRegisteredMethod(ctx)
	if h.methodFilter != nil {
		keep = h.methodFilter(fullMethod)
	}
	if !keep {
		return otherMethod
	}
	return trimSlash(fullMethod)
}

// HandleRPC records an event of a call.
func (h *serverHandler) HandleRPC(ctx context.Context, s stats.RPCStats) {
	c, _ := ctx.Value(serverCallKey{}).(*serverCall)
	if c == nil {
		return
	}
	switch s := s.(type) {
	case *stats.Begin:
		h.inst.callStarted.Add(ctx, 1, h.labels.options(labelKey{method: c.method}).add...)
	case *stats.OutPayload:
		countMessage(c.tally, c.span, true, s.Length, s.CompressedLength)
	case *stats.InPayload:
		countMessage(c.tally, c.span, false, s.Length, s.CompressedLength)
	case *stats.End:
		h.endCall(ctx, c, s)
	}
}

// endCall records the call's duration and sizes, and ends its span.
func (h *serverHandler) endCall(ctx context.Context, c *serverCall, e *stats.End) {
	t := c.tally.take()
	c.tally.put(t)
	labels := h.labels.options(labelKey{method: c.method, status: statusName(e.Error), withStatus: true}).record
	h.inst.callDuration.Record(ctx, e.EndTime.Sub(e.BeginTime).Seconds(), labels...)
	h.inst.callSent.Record(ctx, t.sentBytes, labels...)
	h.inst.callRcvd.Record(ctx, t.rcvdBytes, labels...)
	if c.span != nil {
		endSpan(c.span, e.Error)
	}
}

// TagConn returns ctx: connections are not recorded.
func (h *serverHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

// HandleConn does nothing: connections are not recorded.
func (h *serverHandler) HandleConn(context.Context, stats.ConnStats) {}
