package connactor

import (
	"testing"
	"time"

	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// testWriter is a writer on a connection that discards, driven directly on
// the test's goroutine (its loop is not running).
func testWriter(t *testing.T) *writer {
	w := newWriter(discardConn{}, time.Minute, 16)
	w.applyPeerSettings([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 1 << 20}})
	w.connWindow = 1 << 20
	return w
}

func (w *writer) testHandle(t *testing.T, op writerOp) {
	t.Helper()
	_, err := w.handle(op)
	require.NoError(t, err)
	require.NoError(t, w.err)
}

// A stream is forgotten once its last Write went out, whether that Write
// went out at once or waited for window: the writer consumes a Write's
// trailers and END_STREAM as it sends them, and must still know that they
// ended the stream. (Forgetting none of them was a leak of every stream of
// a long-lived connection.)
func TestWriterForgetsStreamsThatEnded(t *testing.T) {
	w := testWriter(t)
	done := make(chan error, 4)

	// Server: a whole unary response.
	w.testHandle(t, announceOp(1))
	w.testHandle(t, writeOp(Write{StreamID: 1, Header: benchResponse, Data: []byte{0, 0, 0, 0, 1, 'x'}, Trailer: benchTrailer, Done: done}))
	require.NoError(t, <-done)

	// Client: a whole unary request.
	w.testHandle(t, openOp(Write{StreamID: 3, Header: benchRequest, Data: []byte{0, 0, 0, 0, 1, 'x'}, EndStream: true, Done: done}))
	require.NoError(t, <-done)

	// Client: a request the stream window holds back, sent once the peer
	// grants more.
	w.testHandle(t, openOp(Write{StreamID: 5, Header: benchRequest}))
	w.streams[5].window = 0
	w.testHandle(t, writeOp(Write{StreamID: 5, Data: []byte{0, 0, 0, 0, 1, 'x'}, EndStream: true, Done: done}))
	w.testHandle(t, peerWindowOp(5, 100))
	for len(w.runnable) > 0 {
		w.serveRunnable()
	}
	require.NoError(t, w.err)
	require.NoError(t, <-done)

	require.Empty(t, w.streams, "every stream ended its sending side")
}

// A reset asked only IfSending is dropped once the stream's sending side
// has ended.
func TestWriterResetIfSendingAfterEnd(t *testing.T) {
	w := testWriter(t)
	done := make(chan error, 2)
	w.testHandle(t, openOp(Write{StreamID: 1, Header: benchRequest, EndStream: true}))
	w.testHandle(t, writeOp(Write{StreamID: 1, Reset: true, ResetCode: http2.ErrCodeCancel, IfSending: true, Done: done}))
	require.ErrorIs(t, <-done, ErrStreamClosed, "nothing was sent")
}

// A Write's Pooled buffer goes back to bufpool exactly when the writer is
// done with it: sent at once, sent after waiting for window, or dropped.
// (The size is one no other test of the package uses, so the class's free
// list holds nothing else.)
func TestWriterPutsPooledBuffersBack(t *testing.T) {
	const size = 3<<20 + 1
	w := testWriter(t)
	w.applyPeerSettings([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 1<<31 - 1}})
	w.connWindow = 1<<31 - 1
	serve := func() { // a Write larger than a quantum takes turns
		for len(w.runnable) > 0 {
			w.serveRunnable()
		}
		require.NoError(t, w.err)
	}
	reused := func(b []byte) bool {
		serve()
		again := bufpool.Get(size)
		defer bufpool.Put(again)
		return &again[0] == &b[0]
	}

	sent := bufpool.Get(size)
	w.testHandle(t, openOp(Write{StreamID: 1, Header: benchRequest, Data: sent, Pooled: true, EndStream: true}))
	require.True(t, reused(sent), "a buffer sent at once is given back")

	held := bufpool.Get(size)
	w.testHandle(t, openOp(Write{StreamID: 3, Header: benchRequest}))
	w.streams[3].window = 0
	w.testHandle(t, writeOp(Write{StreamID: 3, Data: held, Pooled: true, EndStream: true}))
	again := bufpool.Get(size)
	require.NotSame(t, &held[0], &again[0], "a buffer the window holds back is still the writer's")
	w.testHandle(t, peerWindowOp(3, uint32(len(held))))
	require.True(t, reused(held), "a buffer sent once the window allowed is given back")

	dropped := bufpool.Get(size)
	w.testHandle(t, openOp(Write{StreamID: 5, Header: benchRequest}))
	w.streams[5].window = 0
	w.testHandle(t, writeOp(Write{StreamID: 5, Data: dropped, Pooled: true, EndStream: true}))
	w.testHandle(t, forgetOp(5))
	require.True(t, reused(dropped), "a buffer dropped with its stream is given back")

	late := bufpool.Get(size)
	w.testHandle(t, writeOp(Write{StreamID: 7, Data: late, Pooled: true}))
	require.True(t, reused(late), "a buffer for a stream already gone is given back")
}
