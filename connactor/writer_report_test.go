package connactor

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// The writer decides nothing about the connection: a connection window
// the peer overflows is reported as a typed fault, and the writer halts.
func TestWriterReportsConnectionFault(t *testing.T) {
	w := testWriter(t)
	w.testHandle(t, announceOp(1))
	w.testHandle(t, peerWindowOp(0, maxWindow))
	require.True(t, w.halted)
	select {
	case r := <-w.reports:
		require.Equal(t, http2.ErrCodeFlowControl, r.(connFault).err.code)
	default:
		t.Fatal("no fault reported")
	}
	// Halted: a Write fails at once, nothing of it is written.
	done := make(chan error, 1)
	w.testHandle(t, writeOp(Write{StreamID: 1, Header: benchResponse, Done: done}))
	require.ErrorIs(t, <-done, ErrConnClosed)
}

// Stream faults go up one by one; one that finds the channel full is a
// peer failing streams wholesale: a connection fault ENHANCE_YOUR_CALM.
func TestWriterStreamFaultFloodIsConnectionFault(t *testing.T) {
	w := testWriter(t)
	for id := uint32(1); id <= 2*streamFaultReports+1; id += 2 {
		w.testHandle(t, announceOp(id))
		w.testHandle(t, peerWindowOp(id, maxWindow))
	}
	require.Len(t, w.reports, streamFaultReports+1)
	f := (<-w.reports).(streamFault)
	require.Equal(t, streamFault{id: 1, code: http2.ErrCodeFlowControl, peerKnows: true, err: f.err}, f)
	for range streamFaultReports - 1 {
		require.IsType(t, streamFault{}, <-w.reports)
	}
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, (<-w.reports).(connFault).err.code)
}

// A queued figure the connection actor has not taken is replaced by the
// newest, behind the reports sent before it, so that the reports never
// outgrow their room.
func TestWriterQueuedReportReplacesUnread(t *testing.T) {
	w := testWriter(t)
	w.reportQueued(1)
	w.reports <- streamFault{id: 1}
	w.reportQueued(2)
	w.reportQueued(3)
	require.Len(t, w.reports, 2)
	require.Equal(t, streamFault{id: 1}, <-w.reports)
	require.Equal(t, queuedReport(3), <-w.reports)
}

// Each stream's send-side close is reported: END_STREAM, or the stream's
// own RST_STREAM.
func TestWriterReportsSendCloses(t *testing.T) {
	w := testWriter(t)
	w.testHandle(t, announceOp(1))
	w.testHandle(t, writeOp(Write{StreamID: 1, Header: benchResponse, Data: []byte{0, 0, 0, 0, 1, 'x'}, Trailer: benchTrailer}))
	w.testHandle(t, openOp(Write{StreamID: 3, Header: benchRequest}))
	require.Len(t, w.closes, 1, "stream 3 still sends")
	w.testHandle(t, writeOp(Write{StreamID: 3, Reset: true, ResetCode: http2.ErrCodeCancel}))
	require.Equal(t, sendClose{id: 1}, <-w.closes)
	require.Equal(t, sendClose{id: 3, reset: true}, <-w.closes)
	require.Empty(t, w.streams)
}

// A GOAWAY for a connection error the writer found names the last stream
// the peer opened, which only the connection actor knows.
func TestWriterFaultGoAwayNamesTheLastStream(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, true, requestHeaders("/svc/m"))
	p.headers(3, true, requestHeaders("/svc/m"))
	waitAccepted(t, ch)
	waitAccepted(t, ch)
	p.windowUpdate(0, maxWindow)
	f := p.expectGoAway(http2.ErrCodeFlowControl)
	require.Equal(t, uint32(3), f.lastID)
	waitConnDone(t, c)
	var pe protocolError
	require.True(t, errors.As(c.Err(), &pe), "%v", c.Err())
}

// A stream that reset itself through the writer is closed for the
// connection as well: DATA the peer had in flight is not delivered.
func TestOwnResetClosesTheStream(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	require.NoError(t, s.Reset(uint32(http2.ErrCodeCancel)))
	p.waitRST(s.ID)
	p.headers(s.ID, false, responseHeaders)
	p.data(s.ID, false, []byte("late"))
	requireConnWorks(t, c, p)
	closeConn(t, c)
	for _, ev := range s.TakeOver() {
		require.Equal(t, EventClosed, ev.Kind, "after our reset the stream gets nothing but the connection's end")
	}
}
