// Package opentelemetry records OpenTelemetry metrics and traces of actorpc
// clients and servers, named and shaped as gRFC A66 (metrics) and gRFC A72
// (traces) say, so that dashboards and trace views built for grpc-go,
// grpc-java or gRPC C++ read actorpc unchanged. It has the API of grpc-go's
// google.golang.org/grpc/stats/opentelemetry: DialOption and ServerOption
// take Options, which carry a MeterProvider and a TracerProvider.
//
// It is a Go module of its own, so that only programs that import it build
// against OpenTelemetry: the actorpc module does not depend on it.
//
// What it records:
//
//   - client, per attempt: grpc.client.attempt.started (grpc.method,
//     grpc.target), grpc.client.attempt.duration,
//     grpc.client.attempt.sent_total_compressed_message_size and
//     grpc.client.attempt.rcvd_total_compressed_message_size (grpc.method,
//     grpc.target, grpc.status);
//   - client, per call: grpc.client.call.duration (grpc.method, grpc.target,
//     grpc.status);
//   - server, per call: grpc.server.call.started (grpc.method),
//     grpc.server.call.duration,
//     grpc.server.call.sent_total_compressed_message_size and
//     grpc.server.call.rcvd_total_compressed_message_size (grpc.method,
//     grpc.status);
//   - spans: "Sent.<service>.<method>" per client call,
//     "Attempt.<service>.<method>" per attempt (a child of the call's), and
//     "Recv.<service>.<method>" per server call (a child of the client's
//     attempt, across the wire), with an event per message.
//
// The span context crosses the wire in metadata written and read by
// TraceOptions.TextMapPropagator: W3C trace context ("traceparent") unless
// another is set.
//
// Call-level data on a client (grpc.client.call.duration, the call span)
// comes from interceptors, attempt-level data from a stats handler
// (rpc/stats), and all of a server's from a stats handler; each runs on the
// goroutine of the call it records, never in an actor's loop.
package opentelemetry
