package opentelemetry

import (
	"strings"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/rpc/status"
)

// The names of gRFC A72's spans, events and attributes.
const (
	callSpanPrefix    = "Sent."    // the client's span of a call
	attemptSpanPrefix = "Attempt." // the client's span of one attempt
	serverSpanPrefix  = "Recv."    // the server's span of a call

	outboundEvent           = "Outbound message"
	inboundEvent            = "Inbound message"
	delayedResolutionEvent  = "Delayed name resolution complete"
	sequenceNumberAttr      = "sequence-number"
	messageSizeAttr         = "message-size"
	messageSizeCompressAttr = "message-size-compressed"
	previousAttemptsAttr    = "previous-rpc-attempts"
	transparentRetryAttr    = "transparent-retry"
)

// spanName is prefix and the method, "/pkg.Service/Method" written
// "pkg.Service.Method".
func spanName(prefix, fullMethod string) string {
	return prefix + strings.ReplaceAll(strings.TrimPrefix(fullMethod, "/"), "/", ".")
}

// messageTally is what one client attempt or one server call counts of its
// messages.
type messageTally struct {
	// sent and rcvd are the messages so far in each direction: the next
	// one's sequence number, as gRFC A72 counts from 0.
	sent, rcvd int64
	// sentBytes and rcvdBytes are their sizes as on the wire (compressed
	// when they were) without the 5-byte prefix: gRFC A66's
	// total_compressed_message_size.
	sentBytes, rcvdBytes int64
}

// countMessage counts one message (sent when out, else received) in
// tally, taken in turn with the call's other goroutines, and adds its
// event to span when the call is traced.
func countMessage(tally owned[messageTally], span trace.Span, out bool, length, compressed int) {
	t := tally.take()
	seq, name := t.rcvd, inboundEvent
	if out {
		seq, name = t.sent, outboundEvent
		t.sent++
		t.sentBytes += int64(compressed)
	} else {
		t.rcvd++
		t.rcvdBytes += int64(compressed)
	}
	tally.put(t)
	if span != nil {
		addMessageEvent(span, name, seq, length, compressed)
	}
}

// addMessageEvent adds gRFC A72's event of one message to span: its
// sequence number, its size, and its compressed size when it was
// compressed.
func addMessageEvent(span trace.Span, name string, seq int64, length, compressed int) {
	if compressed != length {
		span.AddEvent(name, trace.WithAttributes(
			attribute.Int64(sequenceNumberAttr, seq),
			attribute.Int64(messageSizeAttr, int64(length)),
			attribute.Int64(messageSizeCompressAttr, int64(compressed))))
		return
	}
	span.AddEvent(name, trace.WithAttributes(
		attribute.Int64(sequenceNumberAttr, seq),
		attribute.Int64(messageSizeAttr, int64(length))))
}

// endSpan sets span's status from the call's (OK or Error with the
// status message) and ends it.
func endSpan(span trace.Span, err error) {
	if err == nil {
		span.SetStatus(otelcodes.Ok, "")
	} else {
		span.SetStatus(otelcodes.Error, status.Convert(err).Message())
	}
	span.End()
}
