// Package attacks runs the HTTP/2 attack classes a gRPC server on the open
// internet meets (rapid reset, CONTINUATION flood, HPACK bomb, floods of
// PING, SETTINGS, RST_STREAM and empty DATA, zero window, stream hoarding,
// huge headers, idle connections, slow reader, message prefixes that
// claim megabytes) against an actorpc server in the test's own process,
// from a raw HTTP/2 client that sends what no well-behaved client would. Each test checks the protocol's reaction and
// that the server's heap grew by less than a stated bound.
package attacks
