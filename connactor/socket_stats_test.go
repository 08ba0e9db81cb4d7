package connactor

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2/hpack"
)

// grpcMessage frames payload as gRPC does: flag, 4-byte length, payload.
func grpcMessage(payload string) []byte {
	b := make([]byte, 5+len(payload))
	binary.BigEndian.PutUint32(b[1:], uint32(len(payload)))
	copy(b[5:], payload)
	return b
}

// TestMsgCounterFindsMessagesAcrossFrames: a message counts when its last
// byte arrives, however DATA splits it (inside the prefix too), several
// may end in one frame, and an empty message is its prefix alone.
func TestMsgCounterFindsMessagesAcrossFrames(t *testing.T) {
	stream := append(append(append(grpcMessage("hello"), grpcMessage("")...), grpcMessage("a longer message")...), grpcMessage("x")...)
	for split := range len(stream) + 1 {
		var e streamEntry
		n := e.countMessages(stream[:split]) + e.countMessages(stream[split:])
		require.EqualValues(t, 4, n, "split at %d", split)
	}
	var e streamEntry
	var n int64
	for i := range stream {
		n += e.countMessages(stream[i : i+1])
	}
	require.EqualValues(t, 4, n, "byte by byte")

	e = streamEntry{}
	require.Zero(t, e.countMessages(grpcMessage("hello")[:7]), "half a message")
	big := make([]byte, 5+70000)
	big[2], big[3], big[4] = 0x01, 0x11, 0x70 // 70000
	e = streamEntry{}
	require.EqualValues(t, 1, e.countMessages(big), "a length over 16 bits")
}

func TestStatusOK(t *testing.T) {
	require.True(t, statusOK([]hpack.HeaderField{{Name: "grpc-status", Value: "0"}, {Name: "grpc-message", Value: ""}}))
	require.False(t, statusOK([]hpack.HeaderField{{Name: "grpc-status", Value: "5"}}))
	require.False(t, statusOK(nil), "no status is not OK")
}

// TestServerSocketStats: the connection actor and its writer count a
// call's stream and messages, and Inspect shows them with the windows.
func TestServerSocketStats(t *testing.T) {
	ch := make(chan acceptedStream, 16)
	c, p := acceptPeer(t, serverConfig(ch))

	p.headers(1, false, requestHeaders("/svc/hello"))
	p.data(1, true, grpcMessage("hi"))
	a := waitAccepted(t, ch)
	nextEvent(t, a.s)
	nextEvent(t, a.s)
	require.NoError(t, a.s.Finish(Write{Header: responseHeaders, Data: grpcMessage("hello back"), Trailer: okTrailers}))
	p.waitHeaders(1)
	p.waitHeaders(1) // the trailers

	p.headers(3, true, requestHeaders("/svc/fails"))
	a = waitAccepted(t, ch)
	nextEvent(t, a.s)
	require.NoError(t, a.s.Finish(Write{Header: responseHeaders, Trailer: []hpack.HeaderField{{Name: "grpc-status", Value: "13"}}}))
	p.waitHeaders(3)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var st SocketStats
	// The releases reach the actor, and the writer publishes its figures,
	// after the frames went out.
	for st.StreamsSucceeded+st.StreamsFailed < 2 || st.MessagesSent < 1 {
		var ok bool
		st, ok = SocketStatsOf(c.Inspect(ctx))
		require.True(t, ok)
		require.NoError(t, ctx.Err())
	}
	require.Equal(t, "server", st.Role)
	require.EqualValues(t, 2, st.StreamsStarted)
	require.EqualValues(t, 2, st.StreamsSucceeded)
	require.EqualValues(t, 1, st.CallsSucceeded)
	require.EqualValues(t, 1, st.CallsFailed)
	require.EqualValues(t, 1, st.MessagesReceived)
	require.EqualValues(t, 1, st.MessagesSent)
	require.False(t, st.LastRemoteStreamCreated.IsZero())
	require.False(t, st.LastMessageReceived.IsZero())
	require.False(t, st.LastMessageSent.IsZero())
	require.True(t, st.LastLocalStreamCreated.IsZero())
	require.Positive(t, st.LocalFlowControlWindow)
	require.Positive(t, st.RemoteFlowControlWindow)
	require.Same(t, c.Ref(), st.Ref)

	closeConn(t, c)
	final, ok := c.FinalStats()
	require.True(t, ok)
	require.EqualValues(t, 2, final.StreamsStarted)
	require.EqualValues(t, 1, final.MessagesSent, "the writer's count, read after it ended")
}

// TestKeepalivesSentAreCounted: each keepalive PING the connection sends
// counts, once the peer saw it.
func TestKeepalivesSentAreCounted(t *testing.T) {
	const interval, timeout = 20 * time.Millisecond, 5 * time.Second
	kc := newKeepaliveConn(t, RoleClient, Config{KeepaliveTime: interval, KeepaliveTimeout: timeout}, true)
	for range 3 {
		kc.p.waitKeepalivePing()
		require.NoError(t, kc.p.fr.WritePing(true, keepalivePing))
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	st, ok := SocketStatsOf(kc.c.Inspect(ctx))
	require.True(t, ok)
	require.GreaterOrEqual(t, st.KeepAlivesSent, int64(3))
	require.EqualValues(t, 1, st.StreamsStarted)
	require.False(t, st.LastLocalStreamCreated.IsZero())
	closeConn(t, kc.c)
}
