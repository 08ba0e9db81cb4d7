// Package proto provides the protobuf Codec, registered under the name
// "proto" (the default gRPC content-subtype, used for both
// "application/grpc" and "application/grpc+proto").
//
// Importing the package registers the codec with rpc/encoding; Codec returns
// it directly for callers that do not want to go through the registry.
package proto
