package opentelemetry

import (
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// The attributes of gRFC A66.
const (
	methodKey = "grpc.method"
	statusKey = "grpc.status"
	targetKey = "grpc.target"
)

// otherMethod is grpc.method for a method whose name is not recorded.
const otherMethod = "other"

// clientMethodLabel is a client call's grpc.method: the method without its
// leading "/" when the call has rpc.StaticMethod (a generated stub's call),
// "other" when the name may have come from anywhere, as in grpc-go.
func clientMethodLabel(method string, opts []rpc.CallOption) string {
	if rpc.IsStaticMethod(opts...) {
		return trimSlash(method)
	}
	return otherMethod
}

func trimSlash(method string) string {
	if len(method) > 0 && method[0] == '/' {
		return method[1:]
	}
	return method
}

// targetCache remembers the canonical target of the last client asked
// about, so that a client's calls parse its target once.
type targetCache struct {
	last owned[cachedTarget]
}

type cachedTarget struct {
	cc     *rpc.ClientConn
	target string
}

func newTargetCache() targetCache { return targetCache{last: newOwned(cachedTarget{})} }

// canonical is cc's grpc.target: its target with the scheme it resolves
// with ("dns:///host:port" for "host:port"), as gRFC A66 asks.
func (c targetCache) canonical(cc *rpc.ClientConn) string {
	last := c.last.take()
	if last.cc != cc {
		last = cachedTarget{cc: cc, target: canonicalTarget(cc.Target())}
	}
	c.last.put(last)
	return last.target
}

// canonicalTarget parses target as a client does with the resolvers
// registered in package resolver. A scheme given only with
// rpc.WithResolvers, or a target of the deprecated rpc.Dial (whose default
// scheme is passthrough), reads as a dns endpoint here.
func canonicalTarget(target string) string {
	t, err := resolver.ParseTarget(target, nil)
	if err != nil {
		return target
	}
	return t.URL.String()
}
