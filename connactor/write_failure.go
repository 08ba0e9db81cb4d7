package connactor

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/net/http2"
)

// readAfterWriteFailure bounds how long a client whose socket failed for
// writing keeps reading what the peer had already sent. A peer that reset
// the connection ends the reads at once; one that merely stopped reading
// is given this long.
const readAfterWriteFailure = time.Second

// afterWriteFailure runs when the writer has ended on a failure. A client
// still delivers what the peer sent before the failure (a response that
// arrived whole completes its call; a GOAWAY or RST_STREAM says which
// streams the peer never processed), then ends the streams the peer never
// saw as unprocessed, so that they are retried transparently (gRFC A6).
// A server has nobody to answer, so it ends at once.
func (a *connActor) afterWriteFailure(err error) {
	if a.role != RoleClient {
		return
	}
	a.enter(phEnd, http2.ErrCodeNo, "") // nothing new goes out on this connection
	a.nc.SetReadDeadline(time.Now().Add(readAfterWriteFailure))
	for a.readAfterWriteFailure() {
	}
	var wf *writeFailed
	if !errors.As(err, &wf) {
		return
	}
	why := fmt.Errorf("%w (the request never reached the peer)", err)
	for _, id := range wf.unsent {
		if e, ok := a.streams[id]; ok {
			e.abortOnce(Event{Kind: EventClosed, Unprocessed: true, Err: why})
		}
	}
}

// readAfterWriteFailure handles one batch of frames; it reports false once
// the reader has ended (the peer closed, the read deadline passed) or a
// frame ended the connection.
func (a *connActor) readAfterWriteFailure() bool {
	select {
	case batch := <-a.frames:
		last := batch[len(batch)-1]
		if err := a.onBatch(batch); err != nil {
			return false
		}
		return last.err == nil
	case <-a.rdone:
		return false
	}
}
