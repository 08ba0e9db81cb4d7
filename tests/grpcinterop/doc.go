// Package grpcinterop tests actorpc against grpc-go, the reference gRPC
// implementation, in both directions (grpc-go client to actorpc server,
// actorpc client to grpc-go server), and the actorpc server against
// malformed HTTP/2 input written frame by frame.
//
// The grpc-go side of the echo service (grpcecho.go) is written by hand
// against grpc-go's types, with the messages of
// github.com/actorpc/actorpc/cmd/echo/echopb, and follows the contract of
// github.com/actorpc/actorpc/cmd/echo/echoserver: x-echo-* metadata copied
// into the response headers and trailers, echo-delay-ms, and echo-status
// with echo-status-message or echo-status-message-bin.
package grpcinterop
