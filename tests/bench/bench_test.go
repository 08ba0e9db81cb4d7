// Package bench compares actorpc with grpc-go on the same workloads, in the
// same run: each stack as client and server in one process over loopback.
//
//	go test -run '^$' -bench . -benchmem ./tests/bench/
package bench

import (
	"context"
	"net"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/tests/grpcinterop"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// unaryFunc makes one unary call.
type unaryFunc func(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error)

func actorpcUnary(b *testing.B) unaryFunc {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := rpc.NewServer()
	echoserver.Register(s)
	go s.Serve(lis)
	cc, err := rpc.NewClient(lis.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cc.Close()
		s.Stop()
	})
	client := echopb.NewEchoClient(cc)
	return func(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		return client.UnaryEcho(ctx, req)
	}
}

func grpcgoUnary(b *testing.B) unaryFunc {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := grpc.NewServer()
	grpcinterop.RegisterGRPCEchoServer(s, grpcinterop.GRPCEcho{})
	go s.Serve(lis)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cc.Close()
		s.Stop()
	})
	return func(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
		resp := new(echopb.EchoResponse)
		err := cc.Invoke(ctx, "/grpc.examples.echo.Echo/UnaryEcho", req, resp)
		return resp, err
	}
}

var stacks = []struct {
	name  string
	setup func(*testing.B) unaryFunc
}{
	{"grpc-go", grpcgoUnary},
	{"actorpc", actorpcUnary},
}

// BenchmarkUnary1B: one call in flight, a 1-byte message each way.
func BenchmarkUnary1B(b *testing.B) {
	for _, st := range stacks {
		b.Run(st.name, func(b *testing.B) {
			call := st.setup(b)
			req := &echopb.EchoRequest{Message: "x"}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := call(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUnary1BParallel: many calls in flight on one connection.
func BenchmarkUnary1BParallel(b *testing.B) {
	for _, st := range stacks {
		b.Run(st.name, func(b *testing.B) {
			call := st.setup(b)
			req := &echopb.EchoRequest{Message: "x"}
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := call(ctx, req); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
