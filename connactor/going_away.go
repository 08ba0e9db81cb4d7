package connactor

import (
	"fmt"

	"golang.org/x/net/http2"
)

// GoingAway is closed once the connection will take no new streams: the
// peer's GOAWAY arrived, our GracefulClose (or a GOAWAY of our own) went
// out, or the connection ended, whichever came first. It is closed exactly
// once, by the connection actor, and at the latest as that actor shuts
// down, so it is closed before Done is.
//
// It exists for whoever keeps a pool of connections (a client
// subchannel): the moment it closes, dial a replacement, so that new
// calls go there instead of failing on this one with ErrGoingAway. The
// streams already open here go on until they end (those the peer's GOAWAY
// left unprocessed end with EventClosed and Unprocessed set), and Done
// tells when the connection itself is gone.
func (c *Conn) GoingAway() <-chan struct{} { return c.goingAway }

// GoAway is what a peer's GOAWAY frame said.
type GoAway struct {
	Code         http2.ErrCode
	LastStreamID uint32
	Debug        string
}

// TooManyPings reports the GOAWAY a server sends a client whose keepalive
// pings come more often than it allows (gRPC's A8: ENHANCE_YOUR_CALM with
// the debug data "too_many_pings").
func (g GoAway) TooManyPings() bool {
	return g.Code == http2.ErrCodeEnhanceYourCalm && g.Debug == "too_many_pings"
}

// PeerGoAway reports the peer's GOAWAY when that is why GoingAway closed
// (and not our own GOAWAY or the connection's end). Call it only once
// GoingAway is closed; before, it reports false. A client reads it to
// learn, for one, that the server found its keepalive pings too frequent
// (ENHANCE_YOUR_CALM, "too_many_pings").
func (c *Conn) PeerGoAway() (GoAway, bool) {
	select {
	case <-c.goingAway:
	default:
		return GoAway{}, false
	}
	return c.peerGoAway.g, c.peerGoAway.ok
}

// withPeerGoAway adds the peer's GOAWAY, if one came, to why a client
// connection ended, as grpc-go's clients do ("received prior goaway"): a
// call cut off when a server sends the client away for too many pings
// then says so, not only that the socket closed.
func (a *connActor) withPeerGoAway(why error) error {
	g := a.peerGoAway
	if g == nil || a.role != RoleClient {
		return why
	}
	return fmt.Errorf("%w, received prior goaway: code: %v, debug data: %q", why, g.Code, g.Debug)
}
