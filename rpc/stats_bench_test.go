package rpc_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/stats"
)

// nopStats is a stats handler that does nothing: what calling handlers
// costs, apart from what they do.
type nopStats struct{}

func (nopStats) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (nopStats) HandleRPC(context.Context, stats.RPCStats)                         {}
func (nopStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (nopStats) HandleConn(context.Context, stats.ConnStats)                       {}

// benchStatsOptions is the sub-benchmarks: no handler (the cost of the
// hook when unused, to compare with a build without it), and one no-op
// handler on both sides.
var benchStatsOptions = []struct {
	name string
	srv  []rpc.ServerOption
	cli  []rpc.DialOption
}{
	{"none", nil, nil},
	{"handler", []rpc.ServerOption{rpc.StatsHandler(nopStats{})}, []rpc.DialOption{rpc.WithStatsHandler(nopStats{})}},
}

// BenchmarkStatsUnary is one unary call per op.
func BenchmarkStatsUnary(b *testing.B) {
	for _, o := range benchStatsOptions {
		b.Run(o.name, func(b *testing.B) {
			cc := newBenchClient(b, o.srv, o.cli)
			in, out := wrapperspb.String("hi"), new(wrapperspb.StringValue)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := cc.Invoke(ctx, kindsUnary, in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStatsBidiMessage is one message each way on an open stream
// per op: the per-message cost.
func BenchmarkStatsBidiMessage(b *testing.B) {
	for _, o := range benchStatsOptions {
		b.Run(o.name, func(b *testing.B) {
			cc := newBenchClient(b, o.srv, o.cli)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := cc.NewStream(ctx, &rpc.StreamDesc{ServerStreams: true, ClientStreams: true}, kindsBidi)
			if err != nil {
				b.Fatal(err)
			}
			in, out := wrapperspb.String("hi"), new(wrapperspb.StringValue)
			b.ReportAllocs()
			for b.Loop() {
				if err := s.SendMsg(in); err != nil {
					b.Fatal(err)
				}
				if err := s.RecvMsg(out); err != nil {
					b.Fatal(err)
				}
			}
			s.CloseSend()
			for s.RecvMsg(out) == nil {
			}
		})
	}
}

func newBenchClient(b *testing.B, srv []rpc.ServerOption, cli []rpc.DialOption) *rpc.ClientConn {
	b.Helper()
	addr := serveKindsTB(b, srv...)
	cc, err := rpc.NewClient("passthrough:///"+addr, append([]rpc.DialOption{plaintext()}, cli...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cc.Close() })
	return cc
}
