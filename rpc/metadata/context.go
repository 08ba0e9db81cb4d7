package metadata

import (
	"context"
	"fmt"
	"strings"
)

// Distinct key types keep incoming and outgoing metadata apart: a server
// handler that forwards its context to a client call must not re-send the
// metadata it received by accident.
type (
	incomingKey struct{}
	outgoingKey struct{}
)

// outgoing is stored in the context for outgoing metadata. Pairs appended
// with AppendToOutgoingContext are kept separately and only merged when read,
// so appending is cheap and never mutates an MD shared with a parent context.
type outgoing struct {
	md    MD
	added [][]string // each element is a lower-cased key, value, ... list
}

// NewOutgoingContext returns a context carrying md as the metadata to send
// on calls made with it, replacing any outgoing metadata already attached
// (including pairs from AppendToOutgoingContext). md is not copied: it must
// not be modified afterwards.
func NewOutgoingContext(ctx context.Context, md MD) context.Context {
	return context.WithValue(ctx, outgoingKey{}, outgoing{md: md})
}

// AppendToOutgoingContext returns a context with the key, value pairs in kv
// added to its outgoing metadata. Keys are lower-cased. It panics if len(kv)
// is odd.
func AppendToOutgoingContext(ctx context.Context, kv ...string) context.Context {
	if len(kv)%2 == 1 {
		panic(fmt.Sprintf("metadata: AppendToOutgoingContext got an odd number of input pairs for metadata: %d", len(kv)))
	}
	prev, _ := ctx.Value(outgoingKey{}).(outgoing)
	added := make([][]string, len(prev.added), len(prev.added)+1)
	copy(added, prev.added)
	kvCopy := make([]string, 0, len(kv))
	for i := 0; i < len(kv); i += 2 {
		kvCopy = append(kvCopy, strings.ToLower(kv[i]), kv[i+1])
	}
	added = append(added, kvCopy)
	return context.WithValue(ctx, outgoingKey{}, outgoing{md: prev.md, added: added})
}

// FromOutgoingContext returns a copy of the outgoing metadata in ctx, with
// pairs added by AppendToOutgoingContext merged in after the base MD, and
// whether any outgoing metadata was attached. Keys are lower-cased even if
// the caller built the MD by hand.
func FromOutgoingContext(ctx context.Context) (MD, bool) {
	raw, ok := ctx.Value(outgoingKey{}).(outgoing)
	if !ok {
		return nil, false
	}
	size := len(raw.md)
	for _, kv := range raw.added {
		size += len(kv) / 2
	}
	out := make(MD, size)
	for k, v := range raw.md {
		key := strings.ToLower(k)
		out[key] = append(out[key], v...)
	}
	for _, kv := range raw.added {
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = append(out[kv[i]], kv[i+1])
		}
	}
	return out, true
}

// NewIncomingContext returns a context carrying md as the metadata received
// from the peer. It is used by the server transport, and by tests that call
// handlers directly. md is not copied: it must not be modified afterwards.
func NewIncomingContext(ctx context.Context, md MD) context.Context {
	return context.WithValue(ctx, incomingKey{}, md)
}

// FromIncomingContext returns a copy of the incoming metadata in ctx and
// whether there was any. The copy has lower-cased keys and may be modified.
func FromIncomingContext(ctx context.Context) (MD, bool) {
	md, ok := ctx.Value(incomingKey{}).(MD)
	if !ok {
		return nil, false
	}
	out := make(MD, len(md))
	for k, v := range md {
		key := strings.ToLower(k)
		out[key] = append(out[key], v...)
	}
	return out, true
}

// ValueFromIncomingContext returns a copy of the incoming values for key,
// without copying the whole MD as FromIncomingContext does. The key is
// matched case-insensitively because the MD may have been built by hand.
func ValueFromIncomingContext(ctx context.Context, key string) []string {
	md, ok := ctx.Value(incomingKey{}).(MD)
	if !ok {
		return nil
	}
	if v, ok := md[key]; ok {
		return copyOf(v)
	}
	for k, v := range md {
		if strings.EqualFold(k, key) {
			return copyOf(v)
		}
	}
	return nil
}

// ValueFromOutgoingContext returns a copy of the outgoing values for key
// (the base MD's first, then those appended), without copying the whole
// MD as FromOutgoingContext does. The key is matched case-insensitively.
func ValueFromOutgoingContext(ctx context.Context, key string) []string {
	raw, ok := ctx.Value(outgoingKey{}).(outgoing)
	if !ok {
		return nil
	}
	key = strings.ToLower(key)
	var out []string
	for k, v := range raw.md {
		if strings.ToLower(k) == key {
			out = append(out, v...)
		}
	}
	for _, kv := range raw.added {
		for i := 0; i < len(kv); i += 2 {
			if kv[i] == key {
				out = append(out, kv[i+1])
			}
		}
	}
	return out
}
