package rpc_test

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// serveEcho serves the echo service until the test ends and returns a
// client of it.
func serveEcho(t *testing.T) *rpc.ClientConn {
	t.Helper()
	s := rpc.NewServer()
	echoserver.Register(s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() { s.Stop(); require.NoError(t, <-served) })
	return newProbeClient(t, lis.Addr().String())
}

// TestServerRefusesWrongRequestCounts: a client that sends a method
// which takes one request none or two (a mismatched hand-written desc)
// gets grpc-go's cardinality-violation status, never a silently dropped
// message or a handler run on half a request.
func TestServerRefusesWrongRequestCounts(t *testing.T) {
	cc := serveEcho(t)
	asClientStream := &rpc.StreamDesc{ClientStreams: true, ServerStreams: true}
	cases := []struct {
		name     string
		method   string
		requests []string
		want     string
	}{
		{"unary, two requests", echopb.Echo_UnaryEcho_FullMethodName, []string{"one", "two"},
			"cardinality violation: received multiple request messages for non-client-streaming RPC"},
		{"unary, no request", echopb.Echo_UnaryEcho_FullMethodName, nil,
			"cardinality violation: received no request message from non-client-streaming RPC"},
		{"server streaming, two requests", echopb.Echo_ServerStreamingEcho_FullMethodName, []string{"one", "two"},
			"cardinality violation: received multiple request messages for non-client-streaming RPC"},
		{"server streaming, no request", echopb.Echo_ServerStreamingEcho_FullMethodName, nil,
			"cardinality violation: received no request message from non-client-streaming RPC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stream, err := cc.NewStream(ctx, asClientStream, c.method)
			require.NoError(t, err)
			for _, r := range c.requests {
				require.NoError(t, stream.SendMsg(&echopb.EchoRequest{Message: r}))
			}
			require.NoError(t, stream.CloseSend())
			var err2 error
			for err2 == nil {
				err2 = stream.RecvMsg(new(echopb.EchoResponse))
			}
			st, _ := status.FromError(err2)
			assert.Equal(t, codes.Internal, st.Code(), "%v", err2)
			assert.Equal(t, c.want, st.Message())
		})
	}

	// The one request, half-closed: served as before.
	stream, err := cc.NewStream(context.Background(), asClientStream, echopb.Echo_ServerStreamingEcho_FullMethodName)
	require.NoError(t, err)
	require.NoError(t, stream.SendMsg(&echopb.EchoRequest{Message: "a b"}))
	require.NoError(t, stream.CloseSend())
	var got []string
	for {
		resp := new(echopb.EchoResponse)
		if err := stream.RecvMsg(resp); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		got = append(got, resp.Message)
	}
	assert.Equal(t, []string{"a", "b"}, got)
}
