package metadata

import (
	"fmt"
	"strings"
)

// MD is a mapping from metadata keys to values. Keys are lower-cased by every
// helper in this package, because HTTP/2 requires lower-case header names.
// Code that writes to the map directly must lower-case keys itself.
type MD map[string][]string

// New creates an MD from a map, lower-casing the keys. Keys that differ only
// in case are merged.
func New(m map[string]string) MD {
	md := make(MD, len(m))
	for k, v := range m {
		key := strings.ToLower(k)
		md[key] = append(md[key], v)
	}
	return md
}

// Pairs returns an MD formed from the key, value, key, value, ... pairs in
// kv. Keys are lower-cased and repeated keys accumulate values in order. It
// panics if len(kv) is odd, as that is always a programming error.
func Pairs(kv ...string) MD {
	if len(kv)%2 == 1 {
		panic(fmt.Sprintf("metadata: Pairs got the odd number of input pairs for metadata: %d", len(kv)))
	}
	md := make(MD, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		key := strings.ToLower(kv[i])
		md[key] = append(md[key], kv[i+1])
	}
	return md
}

// Join merges any number of MDs into a new one; values for the same key are
// concatenated in argument order. The inputs are not modified.
func Join(mds ...MD) MD {
	out := MD{}
	for _, md := range mds {
		for k, v := range md {
			out[k] = append(out[k], v...)
		}
	}
	return out
}

// Len returns the number of keys in md.
func (md MD) Len() int {
	return len(md)
}

// Copy returns a deep copy of md, so the result can be modified without
// affecting md (MD is a map of slices, so a shallow copy would share values).
func (md MD) Copy() MD {
	out := make(MD, len(md))
	for k, v := range md {
		out[k] = copyOf(v)
	}
	return out
}

// Get returns the values for key k (lower-cased first). The returned slice
// is shared with md.
func (md MD) Get(k string) []string {
	return md[strings.ToLower(k)]
}

// Set replaces the values for key k (lower-cased first). Calling it without
// values is a no-op, as in grpc-go; use Delete to remove a key.
func (md MD) Set(k string, vals ...string) {
	if len(vals) == 0 {
		return
	}
	md[strings.ToLower(k)] = vals
}

// Append adds vals to the values for key k (lower-cased first). Calling it
// without values is a no-op, so it never creates an empty entry.
func (md MD) Append(k string, vals ...string) {
	if len(vals) == 0 {
		return
	}
	k = strings.ToLower(k)
	md[k] = append(md[k], vals...)
}

// Delete removes key k (lower-cased first) from md.
func (md MD) Delete(k string) {
	delete(md, strings.ToLower(k))
}

// copyOf returns a copy of v so callers cannot alias each other's values.
func copyOf(v []string) []string {
	return append([]string(nil), v...)
}
