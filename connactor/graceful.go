package connactor

import (
	"time"

	"golang.org/x/net/http2"
)

// A server's graceful shutdown follows RFC 9113 6.8: a client may be
// sending new streams while our GOAWAY is on its way, and a GOAWAY naming
// the last stream we saw would refuse those (the client learns they were
// not processed only if it reads the GOAWAY before the connection goes).
// So the first GOAWAY names the largest stream id and is followed by a
// PING; once the PING comes back, the client has read the GOAWAY and opens
// nothing more here, and the second GOAWAY names the true last stream.
// grpc-go does the same.

// shutdownPing is the opaque data of the PING that follows our first
// GOAWAY. No other PING we send carries it.
var shutdownPing = [8]byte{'g', 'o', 'a', 'w', 'a', 'y', 'p', 'g'}

// shutdownPingTimeout bounds the wait for that PING's ACK: a client that
// does not answer gets the final GOAWAY anyway.
const shutdownPingTimeout = time.Second

// beginGoAway starts a graceful shutdown: the first GOAWAY and its PING
// (server role), or the final GOAWAY at once (client role: nothing races
// it, the server opens no streams).
func (a *connActor) beginGoAway() {
	if a.role != RoleServer {
		a.goAway(http2.ErrCodeNo, "graceful shutdown")
		return
	}
	a.enter(phDrain, http2.ErrCodeNo, "graceful shutdown")
}

// onShutdownPingAck sends the final GOAWAY once the client has answered
// the shutdown PING, or the wait for it is over.
func (a *connActor) onShutdownPingAck() {
	if a.phase == phaseDraining {
		a.goAway(http2.ErrCodeNo, "graceful shutdown")
	}
}

// linger half-closes a connection that ended gracefully and reads (and
// drops) what the peer still sends until it closes its side, for at most a
// second. Closing a socket with unread data makes the kernel answer with a
// reset, which can destroy responses the peer has not read yet.
func (a *connActor) linger() {
	cw, ok := a.nc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	deadline := time.NewTimer(time.Second)
	defer deadline.Stop()
	for {
		select {
		case batch := <-a.frames:
			if batch[len(batch)-1].err != nil {
				return // the peer closed (or the read failed)
			}
		case <-a.rdone:
			return
		case <-deadline.C:
			return
		}
	}
}
