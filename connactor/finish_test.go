package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// At the stream limit, a stream that Finishes leaves the count before its
// end reaches the client: a client that opens its next stream the moment
// it reads the trailers is never refused (the race grpc-go avoids the same
// way). Repeated, because without the ordering it fails only sometimes.
func TestServerFinishAtStreamLimit(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	cfg := serverConfig(ch)
	cfg.MaxConcurrentStreams = 1
	_, p := acceptPeer(t, cfg)
	for id := uint32(1); id < 200; id += 2 {
		p.headers(id, true, requestHeaders("/svc/m"))
		a := waitAccepted(t, ch)
		require.Equal(t, id, a.s.ID)
		require.True(t, a.s.finishViaConn, "a stream at the limit must finish through the connection")
		require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
		require.NoError(t, a.s.Finish(Write{Header: responseHeaders, Trailer: okTrailers}))
		f := p.waitHeaders(id)
		require.True(t, f.endStream(), "the response is trailers-only here: %v", f)
	}
}

// Far from the limit, Finish writes straight to the writer.
func TestServerFinishBelowLimit(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	require.False(t, a.s.finishViaConn)
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	require.NoError(t, a.s.Finish(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	waitState(t, c, "0 streams")
}
