package rpc_test

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// trace records the order things happened in, from any goroutine.
type trace struct {
	mu     sync.Mutex
	events []string
}

func (tr *trace) add(e string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.events = append(tr.events, e)
}

func (tr *trace) get() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.events...)
}

func tracingUnaryClient(tr *trace, name string) rpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *rpc.ClientConn, invoker rpc.UnaryInvoker, opts ...rpc.CallOption) error {
		tr.add(name + ">")
		err := invoker(ctx, method, req, reply, cc, opts...)
		tr.add(name + "<")
		return err
	}
}

func tracingStreamClient(tr *trace, name string) rpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *rpc.StreamDesc, cc *rpc.ClientConn, method string, streamer rpc.Streamer, opts ...rpc.CallOption) (rpc.ClientStream, error) {
		tr.add(name + ">")
		s, err := streamer(ctx, desc, cc, method, opts...)
		tr.add(name + "<")
		return s, err
	}
}

func tracingUnaryServer(tr *trace, name string) rpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		tr.add(name + ">" + info.FullMethod)
		resp, err := handler(ctx, req)
		tr.add(name + "<")
		return resp, err
	}
}

func tracingStreamServer(tr *trace, name string) rpc.StreamServerInterceptor {
	return func(srv any, ss rpc.ServerStream, info *rpc.StreamServerInfo, handler rpc.StreamHandler) error {
		tr.add(name + ">" + info.FullMethod)
		err := handler(srv, ss)
		tr.add(name + "<")
		return err
	}
}

func TestInterceptorOrderUnary(t *testing.T) {
	tr := &trace{}
	addr := serveProbe(t, &probe{unary: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		tr.add("handler")
		return in, nil
	}},
		rpc.ChainUnaryInterceptor(tracingUnaryServer(tr, "s2"), tracingUnaryServer(tr, "s3")),
		rpc.UnaryInterceptor(tracingUnaryServer(tr, "s1")), // outermost though given after
		rpc.ChainUnaryInterceptor(tracingUnaryServer(tr, "s4")),
	)
	cc := newProbeClient(t, addr,
		rpc.WithChainUnaryInterceptor(tracingUnaryClient(tr, "c2"), tracingUnaryClient(tr, "c3")),
		rpc.WithUnaryInterceptor(tracingUnaryClient(tr, "c1")),
		rpc.WithChainUnaryInterceptor(tracingUnaryClient(tr, "c4")),
	)
	got, err := callUnary(context.Background(), cc, "x")
	require.NoError(t, err)
	assert.Equal(t, "x", got)
	m := probeUnary
	assert.Equal(t, []string{"c1>", "c2>", "c3>", "c4>", "s1>" + m, "s2>" + m, "s3>" + m, "s4>" + m, "handler",
		"s4<", "s3<", "s2<", "s1<", "c4<", "c3<", "c2<", "c1<"}, tr.get())
}

func TestInterceptorOrderStream(t *testing.T) {
	clientTrace, serverTrace := &trace{}, &trace{}
	addr := serveProbe(t, &probe{bidi: func(stream rpc.ServerStream) error {
		serverTrace.add("handler")
		return echoBidi(stream)
	}},
		rpc.StreamInterceptor(tracingStreamServer(serverTrace, "s1")),
		rpc.ChainStreamInterceptor(tracingStreamServer(serverTrace, "s2"), tracingStreamServer(serverTrace, "s3")),
	)
	cc := newProbeClient(t, addr,
		rpc.WithChainStreamInterceptor(tracingStreamClient(clientTrace, "c2")),
		rpc.WithStreamInterceptor(tracingStreamClient(clientTrace, "c1")),
		rpc.WithChainStreamInterceptor(tracingStreamClient(clientTrace, "c3")),
		// A unary interceptor does not see streams.
		rpc.WithUnaryInterceptor(tracingUnaryClient(clientTrace, "unary")),
	)
	stream, err := cc.NewStream(context.Background(), probeBidiDesc, probeBidi)
	require.NoError(t, err)
	require.NoError(t, stream.SendMsg(wrapperspb.String("a")))
	require.NoError(t, stream.CloseSend())
	in := new(wrapperspb.StringValue)
	require.NoError(t, stream.RecvMsg(in))
	assert.Equal(t, "a", in.Value)
	require.Equal(t, io.EOF, stream.RecvMsg(in))
	assert.Equal(t, []string{"c1>", "c2>", "c3>", "c3<", "c2<", "c1<"}, clientTrace.get())
	m := probeBidi
	// The server's trace is complete once the status reached the client.
	assert.Equal(t, []string{"s1>" + m, "s2>" + m, "s3>" + m, "handler", "s3<", "s2<", "s1<"}, serverTrace.get())
}

// TestInterceptorRetriesWithNewMetadata: an interceptor that, when the
// server refuses the call, calls the invoker again with a fresh token in
// the outgoing metadata and an option of its own.
func TestInterceptorRetriesWithNewMetadata(t *testing.T) {
	var mu sync.Mutex
	var tokens []string
	addr := serveProbe(t, &probe{unary: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		mu.Lock()
		tokens = append(tokens, md.Get("x-token")...)
		mu.Unlock()
		if len(md.Get("x-token")) != 1 || md.Get("x-token")[0] != "fresh" {
			return nil, status.Error(codes.Unauthenticated, "stale token")
		}
		if err := rpc.SetHeader(ctx, metadata.Pairs("x-seen", "fresh")); err != nil {
			return nil, err
		}
		return wrapperspb.String("welcome " + in.Value), nil
	}})
	var sawOpts int
	var header metadata.MD
	refresh := func(ctx context.Context, method string, req, reply any, cc *rpc.ClientConn, invoker rpc.UnaryInvoker, opts ...rpc.CallOption) error {
		sawOpts = len(opts)
		err := invoker(metadata.AppendToOutgoingContext(ctx, "x-token", "stale"), method, req, reply, cc, opts...)
		if status.Code(err) != codes.Unauthenticated {
			return err
		}
		opts = append(opts, rpc.Header(&header))
		return invoker(metadata.AppendToOutgoingContext(ctx, "x-token", "fresh"), method, req, reply, cc, opts...)
	}
	cc := newProbeClient(t, addr, rpc.WithUnaryInterceptor(refresh),
		rpc.WithDefaultCallOptions(rpc.WaitForReady(true)))
	got, err := callUnary(context.Background(), cc, "ada", rpc.MaxCallRecvMsgSize(1<<20))
	require.NoError(t, err)
	assert.Equal(t, "welcome ada", got)
	assert.Equal(t, []string{"stale", "fresh"}, tokens)
	assert.Equal(t, 2, sawOpts, "the interceptor sees the default call option and the call's")
	assert.Equal(t, []string{"fresh"}, header.Get("x-seen"), "an option the interceptor added took effect")
}

func TestInterceptorCanShortCircuit(t *testing.T) {
	addr := serveProbe(t, &probe{})
	deny := func(ctx context.Context, method string, req, reply any, cc *rpc.ClientConn, invoker rpc.UnaryInvoker, opts ...rpc.CallOption) error {
		return status.Errorf(codes.PermissionDenied, "no calls to %s", method)
	}
	denyServer := func(ctx context.Context, req any, info *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		return nil, status.Error(codes.FailedPrecondition, "server said no")
	}
	cc := newProbeClient(t, addr, rpc.WithChainUnaryInterceptor(deny))
	_, err := callUnary(context.Background(), cc, "x")
	assert.Equal(t, codes.PermissionDenied, status.Code(err))
	assert.Equal(t, "no calls to "+probeUnary, status.Convert(err).Message())

	addr = serveProbe(t, &probe{}, rpc.ChainUnaryInterceptor(denyServer))
	cc = newProbeClient(t, addr)
	_, err = callUnary(context.Background(), cc, "x")
	assert.Equal(t, codes.FailedPrecondition, status.Code(err))
}
