// Package streamactor is one RPC on one HTTP/2 stream: the gRPC message
// framing, the request and response headers, trailers and status,
// deadlines and cancellation, and the stream's share of flow control.
//
// A stream's state has exactly one owner at a time, the goroutine serving
// it: on the server the stream's own goroutine (it runs the handler); on
// the client the caller of a unary call for the length of the call, or a
// spawned stream actor for a streaming call. Events arrive from the
// connection actor on the stream's never-blocking edge (connactor.Stream).
package streamactor
