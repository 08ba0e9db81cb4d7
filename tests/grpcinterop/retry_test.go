package grpcinterop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	grpcmd "google.golang.org/grpc/metadata"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	rpcinsecure "github.com/actorpc/actorpc/rpc/credentials/insecure"
	rpcmd "github.com/actorpc/actorpc/rpc/metadata"
)

// attemptServer is a grpc-go server whose every method, for the call
// named by its x-call header, fails attempt 0 UNAVAILABLE before any
// response (unary: hangs until cancelled instead, for hedging) and
// echoes on later attempts. It records what each attempt received.
type attemptServer struct {
	mu       sync.Mutex
	received map[string][][]string
}

func (s *attemptServer) handle(_ any, stream grpc.ServerStream) error {
	md, _ := grpcmd.FromIncomingContext(stream.Context())
	call := strings.Join(md.Get("x-call"), "")
	method, _ := grpc.MethodFromServerStream(stream)
	s.mu.Lock()
	s.received[call] = append(s.received[call], nil)
	n := len(s.received[call]) - 1
	s.mu.Unlock()
	var got []string
	for {
		var req echopb.EchoRequest
		if err := stream.RecvMsg(&req); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		got = append(got, req.GetMessage())
	}
	s.mu.Lock()
	s.received[call][n] = got
	s.mu.Unlock()
	if n == 0 {
		if strings.HasSuffix(method, "/UnaryEcho") {
			<-stream.Context().Done()
			return stream.Context().Err()
		}
		return grpcstatus.Error(grpccodes.Unavailable, "first attempt")
	}
	if strings.HasSuffix(method, "/ClientStreamingEcho") {
		return stream.SendMsg(&echopb.EchoResponse{Message: strings.Join(got, " ")})
	}
	for _, m := range got {
		if err := stream.SendMsg(&echopb.EchoResponse{Message: m}); err != nil {
			return err
		}
	}
	return nil
}

func (s *attemptServer) attempts(call string) [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[call]
}

// TestRetriesAgainstGRPCGo: an actorpc client against a grpc-go server
// replays a client stream and a bidi stream whose first attempt failed
// before any response, and hedges a unary call whose first attempt hangs.
func TestRetriesAgainstGRPCGo(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	as := &attemptServer{received: map[string][][]string{}}
	srv := grpc.NewServer(grpc.UnknownServiceHandler(as.handle))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		assert.NoError(t, <-served)
	})
	config := `{"methodConfig": [
	  {"name": [{"service": "grpc.examples.echo.Echo", "method": "UnaryEcho"}],
	   "hedgingPolicy": {"maxAttempts": 2, "hedgingDelay": "0.02s", "nonFatalStatusCodes": ["UNAVAILABLE"]}},
	  {"name": [{"service": "grpc.examples.echo.Echo"}],
	   "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`
	cc, err := rpc.NewClient("passthrough:///"+lis.Addr().String(),
		rpc.WithTransportCredentials(rpcinsecure.NewCredentials()), rpc.WithDefaultServiceConfig(config))
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	client := echopb.NewEchoClient(cc)
	ctxFor := func(call string) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), failsafe)
		t.Cleanup(cancel)
		return rpcmd.AppendToOutgoingContext(ctx, "x-call", call)
	}
	words := []string{"one", "two", "three"}

	t.Run("ClientStreaming", func(t *testing.T) {
		stream, err := client.ClientStreamingEcho(ctxFor("cs"))
		require.NoError(t, err)
		for _, w := range words {
			require.NoError(t, stream.Send(&echopb.EchoRequest{Message: w}))
		}
		resp, err := stream.CloseAndRecv()
		require.NoError(t, err)
		assert.Equal(t, strings.Join(words, " "), resp.GetMessage())
		got := as.attempts("cs")
		require.Len(t, got, 2)
		assert.Equal(t, words, got[0])
		assert.Equal(t, words, got[1])
	})
	t.Run("Bidi", func(t *testing.T) {
		stream, err := client.BidirectionalStreamingEcho(ctxFor("bidi"))
		require.NoError(t, err)
		for _, w := range words {
			require.NoError(t, stream.Send(&echopb.EchoRequest{Message: w}))
		}
		require.NoError(t, stream.CloseSend())
		var got []string
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			got = append(got, resp.GetMessage())
		}
		assert.Equal(t, words, got)
		assert.Len(t, as.attempts("bidi"), 2)
	})
	t.Run("HedgedUnary", func(t *testing.T) {
		resp, err := client.UnaryEcho(ctxFor("unary"), &echopb.EchoRequest{Message: "hedged"})
		require.NoError(t, err)
		assert.Equal(t, "hedged", resp.GetMessage())
		assert.Len(t, as.attempts("unary"), 2, fmt.Sprint("attempts ", as.attempts("unary")))
	})
}
