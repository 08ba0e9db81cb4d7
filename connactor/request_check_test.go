package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func TestCheckRequest(t *testing.T) {
	good := []string{":method", "POST", ":scheme", "http", ":path", "/svc/m", ":authority", "x"}
	with := func(kv ...string) []string { return append(append([]string(nil), good...), kv...) }
	without := func(name string) []string {
		var out []string
		for i := 0; i < len(good); i += 2 {
			if good[i] != name {
				out = append(out, good[i], good[i+1])
			}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		fields []string
		cl     int64 // -1: none; -2: malformed
	}{
		{"well formed", good, -1},
		{"no :authority is fine", without(":authority"), -1},
		{"te trailers", with("te", "trailers"), -1},
		{"content-length", with("content-length", "12"), 12},
		{"content-length twice, same", with("content-length", "12", "content-length", "12"), 12},
		{"content-length twice, differing", with("content-length", "12", "content-length", "13"), -2},
		{"content-length not a number", with("content-length", "-1"), -2},
		{"no :method", without(":method"), -2},
		{"no :scheme", without(":scheme"), -2},
		{"no :path", without(":path"), -2},
		{"empty :path", []string{":method", "POST", ":scheme", "http", ":path", ""}, -2},
		{":status in a request", with(":status", "200"), -2},
		{"connection", with("connection", "close"), -2},
		{"keep-alive", with("keep-alive", "5"), -2},
		{"proxy-connection", with("proxy-connection", "x"), -2},
		{"transfer-encoding", with("transfer-encoding", "chunked"), -2},
		{"upgrade", with("upgrade", "h2c"), -2},
		{"te other than trailers", with("te", "gzip"), -2},
		{"CONNECT with authority only", []string{":method", "CONNECT", ":authority", "x:1"}, -1},
		{"CONNECT with a path", []string{":method", "CONNECT", ":authority", "x:1", ":path", "/"}, -2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, err := checkRequest(hf(tc.fields...))
			if tc.cl == -2 {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.cl, cl)
		})
	}
	require.Error(t, checkTrailers(hf("grpc-status", "0", ":path", "/")))
	require.NoError(t, checkTrailers(hf("grpc-status", "0")))
}

// A malformed request is reset with PROTOCOL_ERROR before any handler sees
// it, and the connection carries on.
func TestMalformedRequestIsReset(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, hf(":method", "POST", ":scheme", "http", ":path", "/svc/m", "connection", "close"))
	f := p.waitRST(1)
	require.Equal(t, http2.ErrCodeProtocol, f.code)
	p.headers(3, false, requestHeaders("/svc/ok"))
	a := waitAccepted(t, ch)
	require.Equal(t, uint32(3), a.s.ID, "the malformed stream never reached Accept")
	a.s.Release()
	closeConn(t, c)
}

// content-length must match the DATA that came.
func TestContentLengthMismatchIsReset(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, append(requestHeaders("/svc/m"), hf("content-length", "3")...))
	a := waitAccepted(t, ch)
	p.data(1, true, []byte("four"))
	f := p.waitRST(1)
	require.Equal(t, http2.ErrCodeProtocol, f.code)
	a.s.Release()
	closeConn(t, c)
}

// Frames that do not belong to a stream's state get RFC 9113 5.1's answer.
func TestFramesInTheWrongState(t *testing.T) {
	t.Run("a lower stream id than one already opened", func(t *testing.T) {
		ch := make(chan acceptedStream, 4)
		c, p := acceptPeer(t, serverConfig(ch))
		p.headers(5, false, requestHeaders("/svc/m"))
		waitAccepted(t, ch).s.Release()
		p.headers(3, false, requestHeaders("/svc/m"))
		p.expectGoAway(http2.ErrCodeProtocol)
		waitConnDone(t, c)
	})
	t.Run("WINDOW_UPDATE on an idle stream", func(t *testing.T) {
		c, p := acceptPeer(t, serverConfig(make(chan acceptedStream, 4)))
		p.windowUpdate(7, 100)
		p.expectGoAway(http2.ErrCodeProtocol)
		waitConnDone(t, c)
	})
	t.Run("DATA after the peer's RST_STREAM", func(t *testing.T) {
		ch := make(chan acceptedStream, 4)
		c, p := acceptPeer(t, serverConfig(ch))
		p.headers(1, false, requestHeaders("/svc/m"))
		a := waitAccepted(t, ch)
		p.rst(1, http2.ErrCodeCancel)
		p.data(1, false, []byte("late"))
		f := p.waitRST(1)
		require.Equal(t, http2.ErrCodeStreamClosed, f.code)
		a.s.Release()
		closeConn(t, c)
	})
	t.Run("DATA after both sides ended", func(t *testing.T) {
		ch := make(chan acceptedStream, 4)
		c, p := acceptPeer(t, serverConfig(ch))
		p.headers(1, true, requestHeaders("/svc/m"))
		a := waitAccepted(t, ch)
		require.NoError(t, a.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
		p.waitHeaders(1)
		a.s.Release()
		p.pingBarrier() // the release was handled
		p.data(1, false, []byte("late"))
		p.expectGoAway(http2.ErrCodeStreamClosed)
		waitConnDone(t, c)
	})
	t.Run("trailers without END_STREAM", func(t *testing.T) {
		ch := make(chan acceptedStream, 4)
		c, p := acceptPeer(t, serverConfig(ch))
		p.headers(1, false, requestHeaders("/svc/m"))
		a := waitAccepted(t, ch)
		p.headers(1, false, hf("x-trailer", "1"))
		f := p.waitRST(1)
		require.Equal(t, http2.ErrCodeProtocol, f.code)
		a.s.Release()
		closeConn(t, c)
	})
	t.Run("PRIORITY depending on itself", func(t *testing.T) {
		c, p := acceptPeer(t, serverConfig(make(chan acceptedStream, 4)))
		require.NoError(t, p.fr.WritePriority(3, http2.PriorityParam{StreamDep: 3, Weight: 1}))
		f := p.waitRST(3)
		require.Equal(t, http2.ErrCodeProtocol, f.code)
		closeConn(t, c)
	})
}

// A header block the framer itself refuses (an uppercase name) still opens
// the stream, closed by our reset: the request body that follows is
// ignored, not taken for DATA on an idle stream.
func TestFramerRefusedHeadersOpenTheStream(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, append(requestHeaders("/svc/m"), hf("X-Upper", "1")...))
	f := p.waitRST(1)
	require.Equal(t, http2.ErrCodeProtocol, f.code)
	p.data(1, true, []byte("body"))
	p.headers(3, true, requestHeaders("/svc/ok"))
	a := waitAccepted(t, ch)
	require.Equal(t, uint32(3), a.s.ID, "the connection carries on")
	a.s.Release()
	closeConn(t, c)
}
