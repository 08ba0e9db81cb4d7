package rpc

import (
	"context"

	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/streamactor"
)

// What telemetry plugins (rpc/stats/opentelemetry) need of a call beyond
// the stats events, each a fact grpc-go gives its own plugin.

// addTaggedMetadata adds to an attempt's request headers the outgoing
// metadata that its stats handlers' TagRPC added to tagged, the context
// they returned: grpc-go builds an attempt's headers from that context,
// and a tracing handler sends its span context (W3C traceparent) so. head
// holds the metadata of the context the handlers were given, and the
// per-RPC credentials' after it: a key with fewer values there than in
// tagged gets the rest.
func addTaggedMetadata(head *streamactor.RequestHead, tagged context.Context) {
	md, ok := metadata.FromOutgoingContext(tagged)
	if !ok {
		return
	}
	for k, vs := range md {
		if have := len(head.Metadata[k]); have < len(vs) {
			if head.Metadata == nil {
				head.Metadata = metadata.MD{}
			}
			head.Metadata[k] = append(head.Metadata[k], vs[have:]...)
		}
	}
}

// IsStaticMethod reports whether opts hold StaticMethod: the call's method
// name is a constant of generated code. Telemetry labels such a method by
// its name and others "other" (gRFC A66), so that names taken from
// requests cannot multiply its time series. A grpc-go interceptor tells
// StaticMethod by its type (StaticMethodCallOption); a CallOption here is a
// function, so this applies them to a blank call and looks.
func IsStaticMethod(opts ...CallOption) bool {
	var c callInfo
	for _, o := range opts {
		o(&c)
	}
	return c.staticMethod
}

type registeredMethodKey struct{}

// withRegisteredMethod marks a server call's context with whether its
// method is registered on the server.
func withRegisteredMethod(ctx context.Context, registered bool) context.Context {
	return context.WithValue(ctx, registeredMethodKey{}, registered)
}

// IsRegisteredMethod reports whether the server call ctx belongs to (the
// context a stats handler's TagRPC is given, or a handler's) is of a
// method registered on its server, not one an UnknownServiceHandler serves
// or none does. Telemetry labels the others "other" (gRFC A66), so that
// method names a client makes up cannot multiply its time series. It is
// false for a context of no server call, and, since only a server with
// stats handlers marks its calls, on one without them.
func IsRegisteredMethod(ctx context.Context) bool {
	registered, _ := ctx.Value(registeredMethodKey{}).(bool)
	return registered
}
