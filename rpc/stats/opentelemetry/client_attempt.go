package opentelemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/rpc/stats"
)

// clientAttempt is what the stats handler learns of one attempt of a call.
type clientAttempt struct {
	call *clientCall
	// span is the attempt's span (nil without traces).
	span trace.Span
	// tally is shared by the goroutines that send and receive on the
	// attempt's stream.
	// from: the sender to the receiver and back; blocks while one holds it
	tally owned[messageTally]
}

type clientAttemptKey struct{}

// TagRPC starts an attempt of the call ctx belongs to: its span, a child
// of the call's, goes into the attempt's outgoing metadata through the
// propagator.
func (h *clientHandler) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	c := clientCallFrom(ctx)
	if c == nil {
		// Not a call our interceptors saw (none should be): there is no
		// method or target to label it with.
		return ctx
	}
	a := &clientAttempt{call: c, tally: newOwned(messageTally{})}
	if h.tracer != nil {
		if info.NameResolutionDelay {
			c.noteResolutionDelay()
		}
		ctx, a.span = h.tracer.Start(ctx, spanName(attemptSpanPrefix, c.fullMethod))
		carrier := &outgoingCarrier{ctx: ctx}
		h.propagator.Inject(ctx, carrier)
		ctx = carrier.ctx
	}
	return context.WithValue(ctx, clientAttemptKey{}, a)
}

// noteResolutionDelay adds "Delayed name resolution complete" to the call
// span, once however many attempts say so.
func (c *clientCall) noteResolutionDelay() {
	n := c.attempts.take()
	if !n.resolutionNoted {
		n.resolutionNoted = true
		c.span.AddEvent(delayedResolutionEvent)
	}
	c.attempts.put(n)
}

// HandleRPC records an event of an attempt.
func (h *clientHandler) HandleRPC(ctx context.Context, s stats.RPCStats) {
	a, _ := ctx.Value(clientAttemptKey{}).(*clientAttempt)
	if a == nil {
		return
	}
	switch s := s.(type) {
	case *stats.Begin:
		h.inst.attemptStarted.Add(ctx, 1, h.labels.options(a.call.labelsStarted()).add...)
		if a.span != nil {
			n := a.call.attempts.take()
			previous := n.begun
			n.begun++
			a.call.attempts.put(n)
			a.span.SetAttributes(
				attribute.Int64(previousAttemptsAttr, previous),
				attribute.Bool(transparentRetryAttr, s.IsTransparentRetryAttempt))
		}
	case *stats.OutPayload:
		countMessage(a.tally, a.span, true, s.Length, s.CompressedLength)
	case *stats.InPayload:
		countMessage(a.tally, a.span, false, s.Length, s.CompressedLength)
	case *stats.End:
		h.endAttempt(ctx, a, s)
	}
}

// endAttempt records the attempt's duration and sizes, and ends its span.
func (h *clientHandler) endAttempt(ctx context.Context, a *clientAttempt, e *stats.End) {
	t := a.tally.take()
	a.tally.put(t)
	labels := h.labels.options(a.call.labelsEnded(e.Error)).record
	h.inst.attemptDuration.Record(ctx, e.EndTime.Sub(e.BeginTime).Seconds(), labels...)
	h.inst.attemptSent.Record(ctx, t.sentBytes, labels...)
	h.inst.attemptRcvd.Record(ctx, t.rcvdBytes, labels...)
	if a.span != nil {
		endSpan(a.span, e.Error)
	}
}

// TagConn returns ctx: connections are not recorded.
func (h *clientHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

// HandleConn does nothing: connections are not recorded.
func (h *clientHandler) HandleConn(context.Context, stats.ConnStats) {}
