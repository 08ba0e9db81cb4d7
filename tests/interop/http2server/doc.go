// Package http2server is a test-only HTTP/2 server that misbehaves on
// purpose, as the negative HTTP/2 interop cases describe
// (https://github.com/grpc/grpc/blob/master/doc/negative-http2-interop-test-descriptions.md;
// grpc's own server for them is test/http2_test in the grpc repository).
//
// It speaks just enough HTTP/2 and gRPC to answer TestService/UnaryCall:
// the preface, SETTINGS, HEADERS, DATA under flow control, WINDOW_UPDATE,
// PING and its ACK, RST_STREAM and GOAWAY, written with x/net/http2's
// Framer over a raw TCP connection, one goroutine per connection. Each
// Case says how it answers; the server records what the client did in a
// Report, whose Verdict makes the server-side assertions of the
// descriptions (a new connection after GOAWAY, every PING acknowledged, the
// stream limit kept).
//
// Besides the six cases of the descriptions there are control cases, which
// misbehave differently or not at all, so that a test can show that each
// assertion, of the client or of the server, is able to fail.
package http2server
