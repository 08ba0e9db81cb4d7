package supervision

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/manual"
)

// TestInspectSeesEveryGoroutine: two backends, a round_robin client of
// both (through a manual resolver, which runs an actor), and open
// bidirectional streams on each. The live actors in the servers' and the
// client's trees are exactly the goroutines that appeared since before
// any of them started, less the test's own (one Serve call per backend).
func TestInspectSeesEveryGoroutine(t *testing.T) {
	// What an earlier test started must have ended before the count.
	require.NoError(t, goleak.Find(), "goroutines left from before")
	before := runtime.NumGoroutine()
	backends := []*backend{serve(t, hooks{}), serve(t, hooks{})}
	const testGoroutines = 2 // the Serve calls

	r := manual.NewBuilderWithScheme("tree")
	r.InitialState(resolver.State{Addresses: []resolver.Address{{Addr: backends[0].addr}, {Addr: backends[1].addr}}})
	cc, client := dial(t, "tree:///backends", rpc.WithResolvers(r),
		rpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`))
	ctx := testContext(t)

	// round_robin spreads the streams over both backends once both
	// subchannels are READY; a few unary calls get it there.
	for i := range 4 {
		_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: fmt.Sprint(i)})
		require.NoError(t, err)
	}
	const streams = 6
	var open []echopb.Echo_BidirectionalStreamingEchoClient
	for i := range streams {
		s, err := client.BidirectionalStreamingEcho(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Send(&echopb.EchoRequest{Message: fmt.Sprint(i)}))
		_, err = s.Recv()
		require.NoError(t, err)
		open = append(open, s)
	}

	count := func() (live int, trees []actors.Info) {
		for _, b := range backends {
			root := b.server.Inspect(ctx)[0]
			trees = append(trees, root)
			live += root.Live()
		}
		root := cc.Inspect(ctx)
		trees = append(trees, root)
		return live + root.Live(), trees
	}
	// The shape: per backend, server -> conn -> reader, writer, one
	// handler per stream; client: channel -> resolver, 2 subchannels ->
	// conn -> reader, writer, one stream actor per stream.
	const want = 2*4 + streams + // servers, their connections with reader and writer, handlers
		1 + 1 + 2*4 + streams // channel, resolver, subchannels with connection, reader and writer, stream actors
	// Goroutines that are ending (a handshake's, a unary call's handler
	// finishing) are not in every count: wait, bounded, for the counts to
	// settle.
	var live, started int
	var trees []actors.Info
	for deadline := time.Now().Add(10 * time.Second); ; {
		live, trees = count()
		started = runtime.NumGoroutine() - before - testGoroutines
		if live == started && live == want || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if live != started {
		buf := make([]byte, 1<<20)
		t.Fatalf("Inspect shows %d live actors, the library started %d goroutines\n%s\n%s",
			live, started, render(trees), buf[:runtime.Stack(buf, true)])
	}
	require.Equal(t, want, live, render(trees))

	for _, s := range open {
		require.NoError(t, s.CloseSend())
		_, err := s.Recv()
		require.Error(t, err) // io.EOF: the echo ends when the client does
	}
}

// render draws trees, indented by depth, for a failure message.
func render(trees []actors.Info) string {
	var b strings.Builder
	for _, root := range trees {
		for _, i := range actors.Flatten(root) {
			fmt.Fprintf(&b, "%s%s running=%t state=%q exit=%v\n", strings.Repeat("  ", i.Depth), i.Name, i.Running, i.State, i.ExitReason)
		}
	}
	return b.String()
}
