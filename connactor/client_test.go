package connactor

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func TestOpenSendsHeadersWithIncreasingOddIDs(t *testing.T) {
	c, p := dialPeer(t, Config{})
	var ids []uint32
	for i := range 3 {
		s := open(t, c, OpenRequest{Header: requestHeaders(fmt.Sprintf("/svc/m%d", i))})
		ids = append(ids, s.ID)
	}
	require.Equal(t, []uint32{1, 3, 5}, ids)
	for i, id := range ids {
		f := p.next()
		require.Equal(t, http2.FrameHeaders, f.typ, "%v", f)
		require.Equal(t, id, f.stream, "HEADERS go out in the order the ids were given")
		require.True(t, f.flags.Has(http2.FlagHeadersEndHeaders))
		require.False(t, f.endStream())
		require.Equal(t, requestHeaders(fmt.Sprintf("/svc/m%d", i)), f.fields)
	}
}

func TestConcurrentOpensKeepIDsIncreasingOnTheWire(t *testing.T) {
	c, p := dialPeer(t, Config{})
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			_, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/m")})
			errs <- err
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	var last uint32
	for range n {
		f := p.next()
		require.Equal(t, http2.FrameHeaders, f.typ)
		require.Equal(t, uint32(1), f.stream%2, "client streams are odd")
		require.Greater(t, f.stream, last, "RFC 9113 5.1.1: new stream ids increase")
		last = f.stream
	}
	require.Equal(t, uint32(2*n-1), last)
}

func TestOpenWithDataAndEndStream(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/unary"), Data: []byte("hello"), EndStream: true})
	f := p.next()
	require.Equal(t, http2.FrameHeaders, f.typ)
	require.Equal(t, s.ID, f.stream)
	require.False(t, f.endStream(), "END_STREAM goes on the DATA")
	f = p.next()
	require.Equal(t, http2.FrameData, f.typ, "%v", f)
	require.Equal(t, s.ID, f.stream)
	require.Equal(t, "hello", string(f.data))
	require.True(t, f.endStream())

	// Without data, END_STREAM rides on the HEADERS.
	s2 := open(t, c, OpenRequest{Header: requestHeaders("/svc/empty"), EndStream: true})
	f = p.next()
	require.Equal(t, http2.FrameHeaders, f.typ, "%v", f)
	require.Equal(t, s2.ID, f.stream)
	require.True(t, f.endStream())
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "no DATA frame after END_STREAM on HEADERS: %v", f)
	}
}

func TestResponseEventsInOrder(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), Data: []byte("req"), EndStream: true})
	p.waitData(s.ID, 3)

	p.headers(s.ID, false, responseHeaders)
	p.data(s.ID, false, []byte("abc"))
	p.data(s.ID, false, []byte("def"))
	p.headers(s.ID, true, okTrailers)

	ev := nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.Equal(t, responseHeaders, ev.Fields)
	require.False(t, ev.EndStream)
	ev = nextEvent(t, s)
	require.Equal(t, EventData, ev.Kind)
	require.Equal(t, "abc", string(ev.Data))
	require.False(t, ev.EndStream)
	ev = nextEvent(t, s)
	require.Equal(t, EventData, ev.Kind)
	require.Equal(t, "def", string(ev.Data))
	require.False(t, ev.EndStream)
	ev = nextEvent(t, s)
	require.Equal(t, EventHeaders, ev.Kind)
	require.Equal(t, okTrailers, ev.Fields)
	require.True(t, ev.EndStream)
	p.pingBarrier()
	noEvent(t, s)
}

// DATA is delivered as it was sent, whatever its size (the reader reads
// small payloads into buffers of their own and full frames into chunks)
// and without its padding.
func TestDataDeliveredWithoutPadding(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)

	sent := []struct {
		data []byte
		pad  int
	}{
		{[]byte("small"), 3},
		{seq(minChunk + 1), 0},
		{seq(chunkSize), 0},
		{seq(chunkSize - 1 - 200), 200}, // a full frame, padding included
		{seq(chunkSize - 300), 7},
	}
	for _, d := range sent {
		if d.pad == 0 {
			p.data(s.ID, false, d.data)
			continue
		}
		require.NoError(t, p.fr.WriteDataPadded(s.ID, false, d.data, make([]byte, d.pad)))
	}
	p.data(s.ID, true, nil)
	var ev Event
	for _, d := range sent {
		ev = nextEvent(t, s)
		require.Equal(t, EventData, ev.Kind)
		require.Equal(t, d.data, ev.Data)
		RecycleData(ev.Data)
	}
	if !ev.EndStream {
		// Unless the empty DATA that ends the stream was spilled, and
		// folded into the one before.
		ev = nextEvent(t, s)
		require.Equal(t, EventData, ev.Kind)
		require.True(t, ev.EndStream)
		require.Empty(t, ev.Data)
	}
}

func TestPeerResetStream(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	s2 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s2.ID)

	p.rst(s.ID, http2.ErrCodeCancel)
	ev := nextEvent(t, s)
	require.Equal(t, EventReset, ev.Kind)
	require.Equal(t, http2.ErrCodeCancel, ev.Code)
	require.False(t, ev.Unprocessed)
	require.Error(t, ev.Err)

	// REFUSED_STREAM says the peer never processed it: safe to retry.
	p.rst(s2.ID, http2.ErrCodeRefusedStream)
	ev = nextEvent(t, s2)
	require.Equal(t, EventReset, ev.Kind)
	require.Equal(t, http2.ErrCodeRefusedStream, ev.Code)
	require.True(t, ev.Unprocessed)

	// A Write on the reset stream is dropped, not sent.
	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Data: []byte("late"), EndStream: true, Done: done}))
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrStreamClosed)
	case <-time.After(waitLimit):
		t.Fatal("a write on a reset stream never finished")
	}
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "DATA on a stream the peer reset: %v", f)
	}
}

func TestPeerGoAway(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	require.Equal(t, uint32(1), s1.ID)
	require.Equal(t, uint32(3), s3.ID)
	p.waitHeaders(3)

	p.goAway(1, http2.ErrCodeNo)
	ev := nextEvent(t, s3)
	require.Equal(t, EventClosed, ev.Kind)
	require.True(t, ev.Unprocessed, "stream 3 is above the GOAWAY's last stream id")
	require.Error(t, ev.Err)

	p.pingBarrier()
	noEvent(t, s1)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/m")})
	require.ErrorIs(t, err, ErrGoingAway)

	// Stream 1 goes on to finish.
	p.headers(1, false, responseHeaders)
	p.headers(1, true, okTrailers)
	require.Equal(t, EventHeaders, nextEvent(t, s1).Kind)
	ev = nextEvent(t, s1)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)
	require.False(t, isClosed(c.Done()))

	// Once the last stream is released, the draining connection ends.
	s1.Release()
	s3.Release()
	waitConnDone(t, c)
	require.NoError(t, c.Err(), "draining after the peer's GOAWAY is a clean end")
	p.expectHangUp()
}

func TestPeerClosesConnection(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(3)
	p.headers(1, false, responseHeaders)
	p.pingBarrier()
	require.NoError(t, p.nc.Close())

	waitConnDone(t, c)
	require.Error(t, c.Err())
	for _, s := range []*Stream{s1, s3} {
		waitClosed(t, s.ConnDone(), "ConnDone")
		evs := s.TakeOver()
		require.NotEmpty(t, evs, "stream %d", s.ID)
		last := evs[len(evs)-1]
		require.Equal(t, EventClosed, last.Kind, "stream %d: %+v", s.ID, evs)
		require.Error(t, last.Err)
		require.False(t, last.Unprocessed)
	}

	_, err := c.Open(context.Background(), OpenRequest{Header: requestHeaders("/svc/m")})
	require.ErrorIs(t, err, ErrConnClosed)
}

// TestPeerClosesConnectionWhileOwnerReads checks the EventClosed path a
// stream owner that keeps reading takes.
func TestPeerClosesConnectionWhileOwnerReads(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	require.NoError(t, p.nc.Close())
	ev := nextEvent(t, s)
	require.Equal(t, EventClosed, ev.Kind)
	require.Error(t, ev.Err)
	waitConnDone(t, c)
}

func TestPeerMaxConcurrentStreams(t *testing.T) {
	c, p := dialPeer(t, Config{}, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1})
	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s1.ID)

	type result struct {
		s   *Stream
		err error
	}
	second := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		s, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/second")})
		second <- result{s, err}
	}()
	waitState(t, c, "1 waiting to open")
	require.Zero(t, len(second), "Open beyond MAX_CONCURRENT_STREAMS must wait")
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameHeaders, f.typ, "a stream beyond the peer's limit was opened: %v", f)
	}

	s1.Release()
	var r result
	select {
	case r = <-second:
	case <-time.After(waitLimit):
		t.Fatal("the waiting Open did not proceed after the first stream was released")
	}
	require.NoError(t, r.err)
	require.Equal(t, uint32(3), r.s.ID)
	f := p.waitHeaders(3)
	require.Equal(t, requestHeaders("/svc/second"), f.fields)
}

func TestPeerMaxConcurrentStreamsOpenTimesOut(t *testing.T) {
	c, p := dialPeer(t, Config{}, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1})
	s1 := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s1.ID)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	s, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/gives-up")})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Nil(t, s)
	require.Less(t, time.Since(start), waitLimit)
	// The connection forgets the request.
	waitState(t, c, "0 waiting to open")

	// The request that gave up neither took an id nor goes out later.
	s1.Release()
	s3 := open(t, c, OpenRequest{Header: requestHeaders("/svc/next")})
	require.Equal(t, uint32(3), s3.ID)
	f := p.waitHeaders(3)
	require.Equal(t, requestHeaders("/svc/next"), f.fields)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameHeaders, f.typ, "%v", f)
	}
}

func TestPeerRaisesMaxConcurrentStreams(t *testing.T) {
	c, p := dialPeer(t, Config{}, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1})
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(1)
	second := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		_, err := c.Open(ctx, OpenRequest{Header: requestHeaders("/svc/m")})
		second <- err
	}()
	waitState(t, c, "1 waiting to open")
	p.settings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 2})
	select {
	case err := <-second:
		require.NoError(t, err)
	case <-time.After(waitLimit):
		t.Fatal("raising MAX_CONCURRENT_STREAMS did not let the waiting Open proceed")
	}
	p.waitHeaders(3)
}

func TestOpenOnClosedConn(t *testing.T) {
	c, _ := dialPeer(t, Config{})
	closeConn(t, c)
	_, err := c.Open(context.Background(), OpenRequest{Header: requestHeaders("/svc/m")})
	require.Error(t, err)
	require.True(t, errors.Is(err, ErrConnClosed), "got %v", err)
}
