package rpc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/stats"
)

func TestIsStaticMethod(t *testing.T) {
	assert.False(t, rpc.IsStaticMethod())
	assert.False(t, rpc.IsStaticMethod(rpc.WaitForReady(true)))
	assert.True(t, rpc.IsStaticMethod(rpc.WaitForReady(true), rpc.StaticMethod()))
}

// tagger is a stats handler whose TagRPC does what tag says.
type tagger struct {
	tag func(ctx context.Context, info *stats.RPCTagInfo) context.Context
}

func (h tagger) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	return h.tag(ctx, info)
}
func (tagger) HandleRPC(context.Context, stats.RPCStats)                         {}
func (tagger) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (tagger) HandleConn(context.Context, stats.ConnStats)                       {}

func TestMetadataTagRPCAddsGoesOutWithTheAttempt(t *testing.T) {
	seen := make(chan metadata.MD, 1)
	addr := serveProbe(t, &probe{unary: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		seen <- md
		return in, nil
	}})
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(tagger{tag: func(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
		return metadata.AppendToOutgoingContext(ctx, "x-tagged", "by-handler", "x-app", "again")
	}}))
	ctx := metadata.AppendToOutgoingContext(t.Context(), "x-app", "by-caller")
	_, err := callUnary(ctx, cc, "hi")
	require.NoError(t, err)
	md := <-seen
	assert.Equal(t, []string{"by-handler"}, md.Get("x-tagged"))
	assert.Equal(t, []string{"by-caller", "again"}, md.Get("x-app"), "the caller's value once, the handler's after it")
}

func TestIsRegisteredMethodInTagRPC(t *testing.T) {
	registered := make(chan bool, 2)
	addr := serveProbe(t, &probe{},
		rpc.UnknownServiceHandler(func(any, rpc.ServerStream) error { return nil }),
		rpc.StatsHandler(tagger{tag: func(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
			registered <- rpc.IsRegisteredMethod(ctx)
			return ctx
		}}))
	cc := newProbeClient(t, addr)
	_, err := callUnary(t.Context(), cc, "hi")
	require.NoError(t, err)
	assert.True(t, <-registered, probeUnary)
	_ = cc.Invoke(t.Context(), "/test.Probe/Unknown", wrapperspb.String("hi"), new(wrapperspb.StringValue))
	assert.False(t, <-registered, "a method the unknown-service handler serves")
	assert.False(t, rpc.IsRegisteredMethod(t.Context()), "no server call")
}
