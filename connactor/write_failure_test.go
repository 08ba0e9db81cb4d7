package connactor

import (
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// failingConn is a client socket whose writes fail once fail is closed,
// as after the peer reset the connection, while its reads go on.
type failingConn struct {
	net.Conn
	fail chan struct{}
}

var errBrokenPipe = errors.New("write: broken pipe (test)")

func (c *failingConn) Write(p []byte) (int, error) {
	select {
	case <-c.fail:
		return 0, errBrokenPipe
	default:
		return c.Conn.Write(p)
	}
}

// A client whose socket fails for writing still delivers what the peer
// had sent: a response that arrived whole completes its call, and a GOAWAY
// says which streams the peer never processed. A stream whose HEADERS never
// went out is unprocessed too, so the channel retries it transparently.
func TestWriteFailureDeliversWhatWasRead(t *testing.T) {
	cli, srv := tcpPair(t)
	fc := &failingConn{Conn: cli, fail: make(chan struct{})}
	c, p := dialPeerOver(t, Config{}, fc, srv)

	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/answered"), Data: []byte("one"), EndStream: true})
	p.waitData(s1.ID, 3)
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/refused"), Data: []byte("two"), EndStream: true})
	p.waitData(s3.ID, 3)

	close(fc.fail)
	s5 := open(t, c, OpenRequest{Header: requestHeaders("/svc/unsent"), EndStream: true})
	waitClosed(t, c.GoingAway(), "GoingAway after the write failure")

	// What the peer sent before it learnt of the failure.
	p.headers(s1.ID, false, responseHeaders)
	p.data(s1.ID, false, []byte("answer"))
	p.headers(s1.ID, true, okTrailers)
	p.goAway(s1.ID, http2.ErrCodeNo)
	require.NoError(t, srv.Close())

	ev := nextEvent(t, s1)
	require.Equal(t, EventHeaders, ev.Kind, "%+v", ev)
	ev = nextEvent(t, s1)
	require.Equal(t, EventData, ev.Kind, "%+v", ev)
	require.Equal(t, "answer", string(ev.Data))
	ev = nextEvent(t, s1)
	require.Equal(t, EventHeaders, ev.Kind, "%+v", ev)
	require.True(t, ev.EndStream)
	require.Equal(t, okTrailers, ev.Fields)

	ev = nextEvent(t, s3)
	require.Equal(t, EventClosed, ev.Kind, "%+v", ev)
	require.True(t, ev.Unprocessed, "stream 3 is above the GOAWAY's last stream: %+v", ev)

	ev = nextEvent(t, s5)
	require.Equal(t, EventClosed, ev.Kind, "%+v", ev)
	require.True(t, ev.Unprocessed, "stream 5's HEADERS never went out: %+v", ev)
	waitConnDone(t, c)
}

// A stream whose HEADERS went out before the failure may have been
// processed: it is not marked unprocessed, so it is not retried blindly.
func TestWriteFailureKeepsSentStreamsProcessed(t *testing.T) {
	cli, srv := tcpPair(t)
	fc := &failingConn{Conn: cli, fail: make(chan struct{})}
	c, p := dialPeerOver(t, Config{}, fc, srv)

	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/sent")})
	p.waitHeaders(s1.ID)
	close(fc.fail)
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/unsent"), EndStream: true})
	waitClosed(t, c.GoingAway(), "GoingAway after the write failure")
	require.NoError(t, srv.Close())

	ev := nextEvent(t, s1)
	require.Equal(t, EventClosed, ev.Kind, "%+v", ev)
	require.False(t, ev.Unprocessed, "stream 1's HEADERS reached the peer: %+v", ev)
	ev = nextEvent(t, s3)
	require.Equal(t, EventClosed, ev.Kind, "%+v", ev)
	require.True(t, ev.Unprocessed, "%+v", ev)
	require.ErrorIs(t, ev.Err, errBrokenPipe, "the event says why")
	waitConnDone(t, c)
}
