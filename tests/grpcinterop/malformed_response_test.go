package grpcinterop

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestClientEndsCallOnMalformedResponse: a response whose pseudo-headers
// make it no HTTP/2 response (RFC 9113 8.3.2) ends the call INTERNAL, as
// PROTOCOL-HTTP2 asks, and never hangs it: no :status, :status twice, a
// request pseudo-header, a pseudo-header in trailers. (A duplicate or a
// mix of request and response pseudo-headers is refused by the framer,
// which resets the stream with PROTOCOL_ERROR; the rest by the stream.)
//
// Each response carries grpc-status NOT_FOUND, so that a call that read it
// as a response would end NOT_FOUND, not INTERNAL.
func TestClientEndsCallOnMalformedResponse(t *testing.T) {
	ok := []hpack.HeaderField{hf("grpc-status", "5")}
	for _, tc := range []struct {
		name   string
		blocks [][]hpack.HeaderField
	}{
		{"trailers-only without :status", [][]hpack.HeaderField{{hf("content-type", "application/grpc"), hf("grpc-status", "5")}}},
		{"headers without :status", [][]hpack.HeaderField{{hf("content-type", "application/grpc")}, ok}},
		{"only request pseudo-headers", [][]hpack.HeaderField{{hf(":path", "/x"), hf("content-type", "application/grpc"), hf("grpc-status", "5")}}},
		{"duplicate :status", [][]hpack.HeaderField{{hf(":status", "200"), hf(":status", "200"), hf("content-type", "application/grpc")}, ok}},
		{":status with :method", [][]hpack.HeaderField{{hf(":status", "200"), hf(":method", "POST"), hf("content-type", "application/grpc")}, ok}},
		{"pseudo-header in trailers", [][]hpack.HeaderField{
			{hf(":status", "200"), hf("content-type", "application/grpc")},
			{hf(":status", "200"), hf("grpc-status", "5")},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := rawServer(t, func() [][]hpack.HeaderField { return tc.blocks })
			_, err := newActorpcClient(t, addr).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "x"})
			assert.Equal(t, codes.Internal, status.Code(err), "%v", err)
		})
	}
}
