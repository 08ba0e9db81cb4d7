package opentelemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/rpc"
)

// DialOption returns a dial option that records a client's metrics and
// traces, as o says: metrics when o has a MeterProvider, traces when it
// has a TracerProvider, nothing when it has neither.
//
// It adds a unary and a stream interceptor (for the call: its duration
// and its span) after those given earlier, and a stats handler (for each
// attempt).
func DialOption(o Options) rpc.DialOption {
	if !o.metricsEnabled() && !o.tracingEnabled() {
		return join[rpc.DialOption]()
	}
	h := newClientHandler(o)
	return join(
		rpc.WithChainUnaryInterceptor(h.unaryInterceptor),
		rpc.WithChainStreamInterceptor(h.streamInterceptor),
		rpc.WithStatsHandler(h),
	)
}

// clientHandler records a client's calls (from its interceptors) and
// attempts (as its stats handler). It is immutable: what it learns of a
// call lives in the call's context.
type clientHandler struct {
	inst       clientInstruments
	tracer     trace.Tracer // nil: no traces
	propagator propagation.TextMapPropagator
	labels     labelCache
}

func newClientHandler(o Options) *clientHandler {
	h := &clientHandler{
		inst:       newInstrumentMaker(o.MetricsOptions).client(),
		propagator: o.TraceOptions.propagator(),
		labels:     newLabelCache(),
	}
	if tp := o.TraceOptions.TracerProvider; tp != nil {
		h.tracer = tp.Tracer(scopeName)
	}
	return h
}

// clientCall is what the interceptors learn of a call, for its attempts.
type clientCall struct {
	// method and target are the call's grpc.method and grpc.target.
	method, target string
	// fullMethod is the method as called, "/pkg.Service/Method".
	fullMethod string
	start      time.Time
	// span is the call's span (nil without traces), the parent of its
	// attempts' spans.
	span trace.Span
	// attempts is shared by the call's attempts, which may begin on
	// goroutines of their own (hedging); only spans need it (nil without).
	// from: one attempt's goroutine to the next; blocks while one holds it
	attempts owned[attemptCount]
}

// attemptCount is what a call's attempts count together.
type attemptCount struct {
	// begun is the attempts begun so far: the next one's
	// previous-rpc-attempts.
	begun int64
	// resolutionNoted is set once the call span has its "Delayed name
	// resolution complete" event, which every attempt of a call that
	// waited for the resolver is told of.
	resolutionNoted bool
}

type clientCallKey struct{}

func clientCallFrom(ctx context.Context) *clientCall {
	c, _ := ctx.Value(clientCallKey{}).(*clientCall)
	return c
}

// startCall notes a call begun, and starts its span.
func (h *clientHandler) startCall(ctx context.Context, cc *rpc.ClientConn, method string, opts []rpc.CallOption) (context.Context, *clientCall) {
	c := &clientCall{
		method:     clientMethodLabel(method, opts),
		target:     cc.CanonicalTarget(),
		fullMethod: method,
		start:      time.Now(),
	}
	ctx = context.WithValue(ctx, clientCallKey{}, c)
	if h.tracer != nil {
		c.attempts = newOwned(attemptCount{})
		ctx, c.span = h.tracer.Start(ctx, spanName(callSpanPrefix, method), trace.WithSpanKind(trace.SpanKindClient))
	}
	return ctx, c
}

// labelsStarted are the labels of the call's attempts as they start.
func (c *clientCall) labelsStarted() labelKey {
	return labelKey{method: c.method, target: c.target, withTarget: true}
}

// labelsEnded are the labels of the call, or of one of its attempts, that
// ended with err.
func (c *clientCall) labelsEnded(err error) labelKey {
	return labelKey{method: c.method, target: c.target, status: statusName(err), withTarget: true, withStatus: true}
}

// endCall records the call's duration and ends its span.
func (h *clientHandler) endCall(ctx context.Context, c *clientCall, err error) {
	h.inst.callDuration.Record(ctx, time.Since(c.start).Seconds(), h.labels.options(c.labelsEnded(err)).record...)
	if c.span != nil {
		endSpan(c.span, err)
	}
}

// unaryInterceptor records a unary call, all its attempts included.
func (h *clientHandler) unaryInterceptor(ctx context.Context, method string, req, reply any, cc *rpc.ClientConn, invoker rpc.UnaryInvoker, opts ...rpc.CallOption) error {
	ctx, c := h.startCall(ctx, cc, method, opts)
	err := invoker(ctx, method, req, reply, cc, opts...)
	h.endCall(ctx, c, err)
	return err
}

// streamInterceptor records a streaming call: it ends when the stream
// tells its status (see finishingStream).
func (h *clientHandler) streamInterceptor(ctx context.Context, desc *rpc.StreamDesc, cc *rpc.ClientConn, method string, streamer rpc.Streamer, opts ...rpc.CallOption) (rpc.ClientStream, error) {
	ctx, c := h.startCall(ctx, cc, method, opts)
	s, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		h.endCall(ctx, c, err)
		return nil, err
	}
	return &finishingStream{ClientStream: s, serverStreams: desc.ServerStreams,
		finish: func(err error) { h.endCall(ctx, c, err) }}, nil
}
