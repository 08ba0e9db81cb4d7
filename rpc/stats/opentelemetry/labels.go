package opentelemetry

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/actorpc/actorpc/rpc"
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

// labelKey is one combination of labels of a measurement.
type labelKey struct {
	method, target, status string
	// withTarget and withStatus say which of target and status it has:
	// grpc.target is a client's, grpc.status an ended call's.
	withTarget, withStatus bool
}

// measureOptions label a measurement: its attributes, as the options the
// instruments' Add and Record take.
type measureOptions struct {
	add    []metric.AddOption
	record []metric.RecordOption
}

func newMeasureOptions(k labelKey) measureOptions {
	kvs := make([]attribute.KeyValue, 0, 3)
	kvs = append(kvs, attribute.String(methodKey, k.method))
	if k.withTarget {
		kvs = append(kvs, attribute.String(targetKey, k.target))
	}
	if k.withStatus {
		kvs = append(kvs, attribute.String(statusKey, k.status))
	}
	o := metric.WithAttributeSet(attribute.NewSet(kvs...))
	return measureOptions{add: []metric.AddOption{o}, record: []metric.RecordOption{o}}
}

// maxCachedLabels bounds a labelCache. Labels are few by design (methods
// not known for sure are "other"), but targets are as many as the clients
// a program makes.
const maxCachedLabels = 1024

// labelCache keeps the measureOptions of each combination of labels a
// handler has recorded, so that recording a call allocates none. Once it
// holds maxCachedLabels, a new combination is made at each use instead.
type labelCache struct {
	// from: one call's goroutine to the next; blocks while one holds it
	byKey owned[map[labelKey]measureOptions]
}

func newLabelCache() labelCache {
	return labelCache{byKey: newOwned(map[labelKey]measureOptions{})}
}

func (c labelCache) options(k labelKey) measureOptions {
	m := c.byKey.take()
	o, ok := m[k]
	if !ok {
		o = newMeasureOptions(k)
		if len(m) < maxCachedLabels {
			m[k] = o
		}
	}
	c.byKey.put(m)
	return o
}
