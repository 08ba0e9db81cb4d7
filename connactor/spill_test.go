package connactor

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestSlowStreamOwnerDoesNotBlockConnection: a peer sends 5000 one-byte
// DATA frames to a stream whose owner reads nothing. The connection never
// waits on the stream: it keeps answering PINGs, serving other streams and
// Inspect, and once the owner drains its events every byte is there, in
// order, ending with END_STREAM.
func TestSlowStreamOwnerDoesNotBlockConnection(t *testing.T) {
	const n = 5000
	c, p := dialPeer(t, Config{})
	slow := open(t, c, OpenRequest{Header: requestHeaders("/svc/slow"), EndStream: true})
	other := open(t, c, OpenRequest{Header: requestHeaders("/svc/other"), EndStream: true})
	p.waitHeaders(other.ID)

	p.headers(slow.ID, false, responseHeaders)
	// Build the flood in one buffer: thousands of tiny writes would only
	// slow the test down.
	var flood bytes.Buffer
	ffr := http2.NewFramer(&flood, nil)
	for i := range n {
		require.NoError(t, ffr.WriteData(slow.ID, i == n-1, []byte{byte(i)}))
		if i == n/2 {
			require.NoError(t, ffr.WritePing(false, [8]byte{'m', 'i', 'd'}))
		}
	}
	_, err := p.nc.Write(flood.Bytes())
	require.NoError(t, err)

	// The PING in the middle of the flood is answered while nobody reads
	// the slow stream's events, and so is one after it.
	_, before := p.waitFor("PING ACK", func(f rframe) bool {
		return f.typ == http2.FramePing && f.ack() && f.ping == [8]byte{'m', 'i', 'd'}
	})
	for _, f := range before {
		require.NotEqual(t, http2.FrameGoAway, f.typ, "%v", f)
	}
	p.pingBarrier()

	// Another stream is served meanwhile.
	p.headers(other.ID, true, append(append(hf(), responseHeaders...), okTrailers...))
	ev := nextEvent(t, other)
	require.Equal(t, EventHeaders, ev.Kind)
	require.True(t, ev.EndStream)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	info := c.Inspect(ctx)
	cancel()
	require.True(t, info.Running)
	require.True(t, strings.Contains(info.State, "2 streams"), "state: %q", info.State)

	// Now the owner drains.
	ev = nextEvent(t, slow)
	require.Equal(t, EventHeaders, ev.Kind)
	var got []byte
	events := 0
	for {
		ev := nextEvent(t, slow)
		require.Equal(t, EventData, ev.Kind, "after %d bytes: %+v", len(got), ev)
		events++
		got = append(got, ev.Data...)
		if ev.EndStream {
			break
		}
	}
	require.Len(t, got, n)
	for i, b := range got {
		if b != byte(i) {
			t.Fatalf("byte %d is %d, want %d: order lost", i, b, byte(i))
		}
	}
	require.Less(t, events, n/10, "spilled DATA is merged, not kept frame by frame")
	slow.Consumed(n)
	p.pingBarrier()
	noEvent(t, slow)
}

// Spilled DATA is folded together only from small frames: a larger one
// keeps its own buffer, so the message in it is not copied here.
func TestMergeDataFoldsOnlySmallFrames(t *testing.T) {
	last := Event{Kind: EventData, Data: []byte("ab")}
	require.True(t, mergeData(&last, Event{Kind: EventData, Data: []byte("cd")}))
	require.Equal(t, "abcd", string(last.Data))
	require.True(t, mergeData(&last, Event{Kind: EventData, Data: []byte("e"), EndStream: true}))
	require.Equal(t, "abcde", string(last.Data))
	require.True(t, last.EndStream)

	last = Event{Kind: EventData, Data: []byte("ab")}
	require.False(t, mergeData(&last, Event{Kind: EventData, Data: seq(mergeBelow)}))
	require.False(t, mergeData(&last, Event{Kind: EventHeaders}))
	ended := Event{Kind: EventData, Data: []byte("x"), EndStream: true}
	require.False(t, mergeData(&ended, Event{Kind: EventData, Data: []byte("y")}))
}
