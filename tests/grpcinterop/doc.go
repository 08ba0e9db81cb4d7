// Package grpcinterop tests actorpc against grpc-go in both directions, and
// the actorpc server against malformed HTTP/2 input.
package grpcinterop
