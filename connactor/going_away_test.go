package connactor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func TestGoingAwayOnPeerGoAway(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(3)
	p.pingBarrier()
	require.False(t, isClosed(c.GoingAway()), "GoingAway closed on a healthy connection")

	p.goAway(1, http2.ErrCodeNo)
	waitClosed(t, c.GoingAway(), "GoingAway after the peer's GOAWAY")

	// The connection stays up for the stream below the last stream id.
	ev := nextEvent(t, s3)
	require.Equal(t, EventClosed, ev.Kind)
	require.True(t, ev.Unprocessed)
	p.headers(1, false, responseHeaders)
	p.data(1, false, []byte("reply"))
	p.headers(1, true, okTrailers)
	require.Equal(t, EventHeaders, nextEvent(t, s1).Kind)
	ev = nextEvent(t, s1)
	require.Equal(t, EventData, ev.Kind)
	require.Equal(t, "reply", string(ev.Data))
	ev = nextEvent(t, s1)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
	require.False(t, isClosed(c.Done()), "the connection ended with stream 1 in flight")

	s1.Release()
	s3.Release()
	waitConnDone(t, c)
	require.NoError(t, c.Err())
}

func TestGoingAwayOnPeerGoAwayServer(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, requestHeaders("/svc/m"))
	a := waitAccepted(t, ch)
	p.pingBarrier()
	require.False(t, isClosed(c.GoingAway()))

	p.goAway(0, http2.ErrCodeNo)
	waitClosed(t, c.GoingAway(), "GoingAway after the client's GOAWAY")
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	require.NoError(t, a.s.Write(Write{Header: responseHeaders, Trailer: okTrailers}))
	p.waitHeaders(1)
	require.False(t, isClosed(c.Done()), "the connection ended with stream 1 in flight")
	a.s.Release()
	waitConnDone(t, c)
}

func TestGoingAwayOnGracefulClose(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	require.False(t, isClosed(c.GoingAway()))

	c.GracefulClose()
	waitClosed(t, c.GoingAway(), "GoingAway after GracefulClose")
	f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, http2.ErrCodeNo, f.code)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/m")})
	require.ErrorIs(t, err, ErrGoingAway)

	// The stream in flight finishes on the draining connection.
	p.headers(s.ID, true, hf(":status", "200", "content-type", "application/grpc", "grpc-status", "0"))
	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
	require.False(t, isClosed(c.Done()))
	s.Release()
	waitConnDone(t, c)
	require.NoError(t, c.Err())
}

func TestGoingAwayOnClose(t *testing.T) {
	c, p := dialPeer(t, Config{})
	p.pingBarrier()
	require.False(t, isClosed(c.GoingAway()))
	c.Close(nil)
	waitClosed(t, c.GoingAway(), "GoingAway after Close")
	waitConnDone(t, c)
}

// TestGoingAwayWhenPeerHangsUp: a connection that ends on its own closes
// GoingAway too, and no later than Done.
func TestGoingAwayWhenPeerHangsUp(t *testing.T) {
	c, p := dialPeer(t, Config{})
	require.False(t, isClosed(c.GoingAway()))
	require.NoError(t, p.nc.Close())
	waitConnDone(t, c)
	require.True(t, isClosed(c.GoingAway()), "Done closed before GoingAway")
}

// PeerGoAway tells what the peer's GOAWAY said when it is why GoingAway
// closed; a GOAWAY of our own is not the peer's.
func TestPeerGoAwayTellsWhy(t *testing.T) {
	c, p := dialPeer(t, Config{})
	_, ok := c.PeerGoAway()
	require.False(t, ok, "no GOAWAY yet")
	require.NoError(t, p.fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, []byte("too_many_pings")))
	waitClosed(t, c.GoingAway(), "GoingAway after the peer's GOAWAY")
	got, ok := c.PeerGoAway()
	require.True(t, ok)
	require.Equal(t, GoAway{Code: http2.ErrCodeEnhanceYourCalm, LastStreamID: 0, Debug: "too_many_pings"}, got)
	waitConnDone(t, c)

	ours, _ := dialPeer(t, Config{})
	ours.GracefulClose()
	waitClosed(t, ours.GoingAway(), "GoingAway after GracefulClose")
	_, ok = ours.PeerGoAway()
	require.False(t, ok, "GoingAway closed for our own GOAWAY, not the peer's")
}
