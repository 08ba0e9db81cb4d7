package supervision

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// Test policies, built on pick_first: one whose READY picker panics for
// unary calls, one that panics when given addresses.
const (
	panicPickerPolicy = "supervision_panic_picker"
	panicPolicy       = "supervision_panic_policy"
)

func init() {
	balancer.Register(wrapPolicy{name: panicPickerPolicy})
	balancer.Register(wrapPolicy{name: panicPolicy})
}

type wrapPolicy struct{ name string }

func (w wrapPolicy) Name() string { return w.name }

func (w wrapPolicy) Build(cc balancer.ClientConn, opts balancer.BuildOptions) balancer.Balancer {
	inner := balancer.Get("pick_first").Build(panickyPickerCC{cc}, opts)
	if w.name == panicPolicy {
		return panickyBalancer{inner}
	}
	return inner
}

// panickyPickerCC hands the channel READY pickers that panic on unary
// calls.
type panickyPickerCC struct{ balancer.ClientConn }

func (c panickyPickerCC) UpdateState(s balancer.State) {
	if s.ConnectivityState == connectivity.Ready {
		s.Picker = panickyPicker{s.Picker}
	}
	c.ClientConn.UpdateState(s)
}

type panickyPicker struct{ balancer.Picker }

func (p panickyPicker) Pick(info balancer.PickInfo) (balancer.PickResult, error) {
	if strings.HasSuffix(info.FullMethodName, "/UnaryEcho") {
		panic("picker boom")
	}
	return p.Picker.Pick(info)
}

type panickyBalancer struct{ balancer.Balancer }

func (panickyBalancer) UpdateClientConnState(balancer.ClientConnState) error {
	panic("policy boom")
}

// channelState waits, bounded, until the channel's Inspect state says
// want, and returns it.
func channelState(t *testing.T, cc *rpc.ClientConn, want string) string {
	t.Helper()
	ctx := testContext(t)
	for {
		info := cc.Inspect(ctx)
		require.True(t, info.Running, "the channel actor must survive")
		if strings.Contains(info.State, want) {
			return info.State
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the channel's state never said %q: %q", want, info.State)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestPickerPanicFailsThePick: a picker that panics fails that call with
// Internal; the channel stays READY and serves the calls it can pick for.
func TestPickerPanicFailsThePick(t *testing.T) {
	b := serve(t, hooks{})
	cc, client := dial(t, b.addr, rpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"`+panicPickerPolicy+`":{}}]}`))
	ctx := testContext(t)
	_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x"})
	requireCode(t, err, codes.Internal, "picker of load-balancing policy")
	requireCode(t, err, codes.Internal, "picker boom")

	s, err := client.BidirectionalStreamingEcho(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Send(&echopb.EchoRequest{Message: "streams still pick"}))
	resp, err := s.Recv()
	require.NoError(t, err)
	require.Equal(t, "streams still pick", resp.GetMessage())
	require.NoError(t, s.CloseSend())
	channelState(t, cc, "state=READY")
}

// TestPolicyPanicFailsTheChannel: a policy that panics is not trusted
// again: its subchannels go, the channel is TRANSIENT_FAILURE and every
// call fails with Unavailable, saying why; Inspect names the panic.
func TestPolicyPanicFailsTheChannel(t *testing.T) {
	b := serve(t, hooks{})
	cc, client := dial(t, b.addr, rpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"`+panicPolicy+`":{}}]}`))
	ctx := testContext(t)
	for range 2 {
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x"})
		requireCode(t, err, codes.Unavailable, "policy boom")
	}
	state := channelState(t, cc, "policy_panic=")
	require.Contains(t, state, "state=TRANSIENT_FAILURE")
	require.Contains(t, state, "UpdateClientConnState")
	require.Empty(t, cc.Inspect(ctx).Children, "the broken policy's subchannels are shut down")
}

// panicResolver's Build panics, or its ResolveNow does after it gave
// addr as the only backend.
type panicResolver struct {
	scheme  string
	onBuild bool
	addr    string
}

func (r panicResolver) Scheme() string { return r.scheme }

func (r panicResolver) Build(_ resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	if r.onBuild {
		panic("build boom")
	}
	_ = cc.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: r.addr}}})
	return r, nil
}

func (panicResolver) ResolveNow() { panic("resolve now boom") }
func (panicResolver) Close()      {}

// TestResolverBuildPanic: the channel treats a panicking Build as a
// resolver error: calls fail with Unavailable, Inspect shows why.
func TestResolverBuildPanic(t *testing.T) {
	cc, client := dial(t, "panicbuild:///x", rpc.WithResolvers(panicResolver{scheme: "panicbuild", onBuild: true}))
	_, err := client.UnaryEcho(testContext(t), &echopb.EchoRequest{Message: "x"})
	requireCode(t, err, codes.Unavailable, "build boom")
	state := channelState(t, cc, "resolver_error=")
	require.Contains(t, state, "state=TRANSIENT_FAILURE")
}

// TestResolverResolveNowPanic: the backend refuses connections, so the
// channel asks the resolver again, which panics: that is reported as
// the resolver's error, calls fail with Unavailable, the channel lives.
func TestResolverResolveNowPanic(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := lis.Addr().String()
	require.NoError(t, lis.Close())
	cc, client := dial(t, "panicnow:///x", rpc.WithResolvers(panicResolver{scheme: "panicnow", addr: dead}))
	_, err = client.UnaryEcho(testContext(t), &echopb.EchoRequest{Message: "x"})
	requireCode(t, err, codes.Unavailable, "")
	state := channelState(t, cc, "resolve now boom")
	require.Contains(t, state, "resolver_error=")
}
