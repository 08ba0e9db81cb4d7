// Package encoding defines the Codec interface used to turn request and
// response messages into bytes, and a registry of codecs by name.
//
// The name of a codec is the gRPC content-subtype: a codec named "proto" is
// used for the content-type "application/grpc+proto" (and for plain
// "application/grpc"). This mirrors grpc-go's google.golang.org/grpc/encoding.
package encoding
