// Package echoserver implements the grpc.examples.echo.Echo service with a
// contract precise enough for protocol tests to steer it through request
// metadata:
//
//   - UnaryEcho returns the request message.
//   - ServerStreamingEcho sends one response per whitespace-separated word of
//     the request message (none for a blank message).
//   - ClientStreamingEcho, after the client half-closes, sends one response:
//     the received messages joined by single spaces.
//   - BidirectionalStreamingEcho echoes each message as it arrives and ends
//     when the client half-closes.
//
// Request metadata controls the rest:
//
//   - Every key starting with "x-echo-" is copied, with all its values, into
//     the response headers (sent before the first response) and into the
//     trailers. Values of "-bin" keys round-trip byte for byte.
//   - "echo-delay-ms: N" waits N milliseconds before each response and
//     before the status. A unary response and its status are sent together,
//     so a unary call waits once. The wait ends early with the context's
//     status (Canceled or DeadlineExceeded) when the call is cancelled or its
//     deadline passes.
//   - "echo-status: CODE" (a number) ends the call with that code instead of
//     OK, after the responses. Its message is "echo-status-message" or, for
//     text that is not printable ASCII, the UTF-8 bytes of
//     "echo-status-message-bin".
//
// Malformed control metadata ends the call with InvalidArgument before any
// response.
package echoserver
