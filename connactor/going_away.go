package connactor

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

// markGoingAway closes GoingAway the first time it is called; only the
// connection actor calls it.
func (a *connActor) markGoingAway() {
	if a.goingAwayClosed {
		return
	}
	a.goingAwayClosed = true
	close(a.goingAway)
}
