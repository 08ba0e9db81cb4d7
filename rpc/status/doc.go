// Package status represents the outcome of an RPC: a code, a human readable
// message and optional binary details.
//
// The API mirrors grpc-go's google.golang.org/grpc/status so handlers and
// clients can construct, inspect and compare RPC errors the same way. The
// only deliberate difference is that rich error details are kept as the raw
// serialized google.rpc.Status bytes (see WithDetailsBin and
// Status.DetailsBin) rather than decoded protobuf messages, which keeps this
// package free of generated code.
package status
