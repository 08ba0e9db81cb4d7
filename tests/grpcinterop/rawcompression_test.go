package grpcinterop

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/net/http2/hpack"
)

// TestRawCompressedFlagWithoutEncoding: a message flagged compressed on a
// stream that named no grpc-encoding is Internal (PROTOCOL-HTTP2).
func TestRawCompressedFlagWithoutEncoding(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	id := c.request("/grpc.examples.echo.Echo/UnaryEcho", "application/grpc", false)
	msg := echoRequest(t, "hi")
	msg[0] = 1 // compressed, with no grpc-encoding
	if err := c.fr.WriteData(id, true, msg); err != nil {
		t.Fatal(err)
	}
	r := c.readResponse(id)
	assert.Equal(t, "13", r.get("grpc-status"), "headers %v", r.fields)
}

// TestRawUnknownEncodingAdvertisesAccepted: the Unimplemented answer to an
// unknown grpc-encoding names the encodings the server does accept.
func TestRawUnknownEncodingAdvertisesAccepted(t *testing.T) {
	addr := startActorpcServer(t, newHandlerLog())
	c := dialRaw(t, addr)
	r := c.unary("/grpc.examples.echo.Echo/UnaryEcho", "hi", hpack.HeaderField{Name: "grpc-encoding", Value: "br"})
	assert.Equal(t, "12", r.get("grpc-status"), "headers %v", r.fields)
	assert.Contains(t, r.get("grpc-accept-encoding"), "gzip", "headers %v", r.fields)
}
