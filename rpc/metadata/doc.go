// Package metadata carries per-RPC key/value pairs (HTTP/2 headers and
// trailers that are not part of the gRPC protocol itself).
//
// The API mirrors grpc-go's google.golang.org/grpc/metadata: an MD map with
// lower-cased keys, and context helpers that attach outgoing metadata on the
// client and expose incoming metadata on the server. wire.go holds the
// helpers the transport needs to put MD on the wire (key/value validation,
// reserved header filtering and "-bin" value encoding).
package metadata
