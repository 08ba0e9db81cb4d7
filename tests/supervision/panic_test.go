package supervision

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	protocodec "github.com/actorpc/actorpc/rpc/encoding/proto"
	"github.com/actorpc/actorpc/rpc/status"
)

// requireCode fails unless err is a status with code whose message says
// what.
func requireCode(t *testing.T, err error, code codes.Code, what string) {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "not a status: %v", err)
	require.Equal(t, code, st.Code(), "%v", err)
	require.Contains(t, st.Message(), what)
}

// serverPanics is the server actor's state, where the exit reasons of
// the handlers that panicked stay after their actors are gone.
func serverPanics(t *testing.T, s *rpc.Server) string {
	t.Helper()
	state := s.Inspect(testContext(t))[0].State
	require.Contains(t, state, "handler_panics=", "the server's state: %q", state)
	return state
}

// echoes proves the server still serves after a panic.
func echoes(t *testing.T, client echopb.EchoClient) {
	t.Helper()
	resp, err := client.UnaryEcho(testContext(t), &echopb.EchoRequest{Message: "still here"})
	require.NoError(t, err)
	require.Equal(t, "still here", resp.GetMessage())
}

// TestServerPanicsEndOnlyTheirCall: a panic in a unary handler, a
// streaming handler (before and after it sent), a unary interceptor and
// a stream interceptor ends that call with Internal; the server logs it,
// keeps the exit reason for Inspect, and serves the next call.
func TestServerPanicsEndOnlyTheirCall(t *testing.T) {
	panicky := hooks{
		unary: func(_ context.Context, r *echopb.EchoRequest) (*echopb.EchoResponse, error) {
			if r.GetMessage() == "panic" {
				panic("unary boom")
			}
			return &echopb.EchoResponse{Message: r.GetMessage()}, nil
		},
		bidi: func(s echopb.Echo_BidirectionalStreamingEchoServer) error {
			r, err := s.Recv()
			if err != nil {
				return err
			}
			if r.GetMessage() == "after" {
				if err := s.Send(&echopb.EchoResponse{Message: "first"}); err != nil {
					return err
				}
			}
			panic("stream boom " + r.GetMessage())
		},
	}
	unaryInt := func(ctx context.Context, req any, info *rpc.UnaryServerInfo, h rpc.UnaryHandler) (any, error) {
		if md, _ := req.(*echopb.EchoRequest); md != nil && md.GetMessage() == "interceptor" {
			panic("unary interceptor boom")
		}
		return h(ctx, req)
	}
	streamInt := func(srv any, ss rpc.ServerStream, info *rpc.StreamServerInfo, h rpc.StreamHandler) error {
		if md, ok := rpc.MethodFromServerStream(ss); ok && strings.HasSuffix(md, "ClientStreamingEcho") {
			panic("stream interceptor boom")
		}
		return h(srv, ss)
	}
	b := serve(t, panicky, rpc.UnaryInterceptor(unaryInt), rpc.StreamInterceptor(streamInt))
	_, client := dial(t, b.addr)
	ctx := testContext(t)

	_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "panic"})
	requireCode(t, err, codes.Internal, "panicked")
	require.NotContains(t, err.Error(), "goroutine", "no stack goes to the client")
	echoes(t, client)

	_, err = client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "interceptor"})
	requireCode(t, err, codes.Internal, "panicked")
	echoes(t, client)

	for _, msg := range []string{"before", "after"} {
		s, err := client.BidirectionalStreamingEcho(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Send(&echopb.EchoRequest{Message: msg}))
		if msg == "after" {
			resp, err := s.Recv()
			require.NoError(t, err)
			require.Equal(t, "first", resp.GetMessage())
		}
		_, err = s.Recv()
		requireCode(t, err, codes.Internal, "panicked")
	}

	cs, err := client.ClientStreamingEcho(ctx)
	require.NoError(t, err)
	_, err = cs.CloseAndRecv()
	requireCode(t, err, codes.Internal, "panicked")
	echoes(t, client)

	state := serverPanics(t, b.server)
	require.Contains(t, state, "handler_panics=5")
	for _, want := range []string{"unary boom", "unary interceptor boom", "stream boom before", "stream boom after", "stream interceptor boom"} {
		require.Contains(t, state, want)
	}
	require.Contains(t, state, "/grpc.examples.echo.Echo/UnaryEcho: actor panicked")
}

// TestCrashOnHandlerPanic runs a server with CrashOnHandlerPanic in a
// child process: the handler's panic takes the process down, with the
// panic's own stack.
func TestCrashOnHandlerPanic(t *testing.T) {
	if os.Getenv("SUPERVISION_CRASH_CHILD") == "1" {
		b := serve(t, hooks{unary: func(context.Context, *echopb.EchoRequest) (*echopb.EchoResponse, error) {
			panic("crash as asked")
		}}, rpc.CrashOnHandlerPanic())
		_, client := dial(t, b.addr)
		client.UnaryEcho(testContext(t), &echopb.EchoRequest{})
		<-testContext(t).Done() // the panic ends the process first
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashOnHandlerPanic$")
	cmd.Env = append(os.Environ(), "SUPERVISION_CRASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the child must crash: %s", out)
	require.Contains(t, string(out), "panic: crash as asked")
	require.Contains(t, string(out), "TestCrashOnHandlerPanic.func", "the stack shows the handler that panicked")
}

// panicCodec is the proto codec, but panics marshalling or unmarshalling
// as told.
type panicCodec struct {
	encoding.Codec
	onMarshal, onUnmarshal bool
}

func (c panicCodec) Marshal(v any) ([]byte, error) {
	if c.onMarshal {
		panic("marshal boom")
	}
	return c.Codec.Marshal(v)
}

func (c panicCodec) Unmarshal(data []byte, v any) error {
	if c.onUnmarshal {
		panic("unmarshal boom")
	}
	return c.Codec.Unmarshal(data, v)
}

// TestCodecPanicsEndTheCall: a codec given with ForceCodec that panics
// ends the call with Internal, unary or streaming, on the caller's side.
func TestCodecPanicsEndTheCall(t *testing.T) {
	b := serve(t, hooks{})
	_, client := dial(t, b.addr)
	ctx := testContext(t)
	for _, c := range []panicCodec{{Codec: protocodec.Codec(), onMarshal: true}, {Codec: protocodec.Codec(), onUnmarshal: true}} {
		what := "marshalling"
		if c.onUnmarshal {
			what = "unmarshalling"
		}
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x"}, rpc.ForceCodec(c))
		requireCode(t, err, codes.Internal, "the codec panicked "+what)

		s, err := client.BidirectionalStreamingEcho(ctx, rpc.ForceCodec(c))
		require.NoError(t, err)
		err = s.Send(&echopb.EchoRequest{Message: "x"})
		if c.onMarshal {
			requireCode(t, err, codes.Internal, "the codec panicked marshalling")
			require.NoError(t, s.CloseSend())
			continue
		}
		require.NoError(t, err)
		_, err = s.Recv()
		requireCode(t, err, codes.Internal, "the codec panicked unmarshalling")
	}
	echoes(t, client)
}
