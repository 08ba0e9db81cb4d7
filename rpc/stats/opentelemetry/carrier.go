package opentelemetry

import (
	"context"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// outgoingCarrier is where a propagator writes a client call's span
// context: the call's outgoing metadata. Set appends to it, so each
// attempt's context (made from the call's) carries its own attempt span.
type outgoingCarrier struct {
	ctx context.Context
}

// Get returns the first outgoing value of key.
func (c *outgoingCarrier) Get(key string) string {
	if vs := metadata.ValueFromOutgoingContext(c.ctx, key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Set adds key: value to the outgoing metadata.
func (c *outgoingCarrier) Set(key, value string) {
	c.ctx = metadata.AppendToOutgoingContext(c.ctx, key, value)
}

// Keys lists the outgoing metadata's keys.
func (c *outgoingCarrier) Keys() []string {
	md, _ := metadata.FromOutgoingContext(c.ctx)
	return keysOf(md)
}

// incomingCarrier is where a propagator reads a server call's parent span
// context: the call's request metadata. It is read-only.
type incomingCarrier metadata.MD

// Get returns the first value of key.
func (c incomingCarrier) Get(key string) string {
	if vs := metadata.MD(c).Get(key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Values returns every value of key (propagation.ValuesGetter): W3C
// tracestate may come in several header lines.
func (c incomingCarrier) Values(key string) []string { return metadata.MD(c).Get(key) }

// Set does nothing: a server does not write its request's metadata.
func (incomingCarrier) Set(string, string) {}

// Keys lists the metadata's keys.
func (c incomingCarrier) Keys() []string { return keysOf(metadata.MD(c)) }

func keysOf(md metadata.MD) []string {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	return keys
}
