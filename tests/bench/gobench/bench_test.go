// Package gobench holds go-test benchmarks comparing actorpc with grpc-go
// on the same workloads: each stack as client and server in one process
// over loopback TCP, with the raw TCP floor beside them. The bench command
// (go run ./tests/bench) runs the fuller, alternating comparison.
//
//	go test -run '^$' -bench . -benchmem ./tests/bench/gobench/
package gobench

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// client serves st on loopback and returns a connected client of it.
func client(b *testing.B, st stacks.Stack) stacks.Client {
	srv, err := st.Serve()
	if err != nil {
		b.Fatal(err)
	}
	cl, err := st.Dial(srv.Addr)
	if err != nil {
		srv.Stop()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cl.Close()
		srv.Stop()
	})
	if _, err := cl.Unary(context.Background(), &echopb.EchoRequest{Message: "x"}); err != nil {
		b.Fatal(err)
	}
	return cl
}

func unary(b *testing.B, size, parallelism int) {
	for _, st := range stacks.All() {
		b.Run(st.Name(), func(b *testing.B) {
			cl := client(b, st)
			req := &echopb.EchoRequest{Message: strings.Repeat("x", size)}
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			if parallelism == 0 {
				for b.Loop() {
					if _, err := cl.Unary(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			b.SetParallelism(parallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := cl.Unary(ctx, req); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkUnary1B: one call in flight, a 1-byte message each way.
func BenchmarkUnary1B(b *testing.B) { unary(b, 1, 0) }

// BenchmarkUnary1BParallel: many calls in flight on one connection
// (32 × GOMAXPROCS).
func BenchmarkUnary1BParallel(b *testing.B) { unary(b, 1, 32) }

// BenchmarkUnary1KiBParallel: 1 KiB each way, many in flight.
func BenchmarkUnary1KiBParallel(b *testing.B) { unary(b, 1<<10, 32) }

// BenchmarkUnary1MiB: 1 MiB each way, one in flight.
func BenchmarkUnary1MiB(b *testing.B) { unary(b, 1<<20, 0) }

// BenchmarkPingPong1B: one bidirectional stream, a 1-byte message and its
// echo per op.
func BenchmarkPingPong1B(b *testing.B) {
	for _, st := range stacks.All() {
		b.Run(st.Name(), func(b *testing.B) {
			cl := client(b, st)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := cl.Bidi(ctx)
			if err != nil {
				b.Fatal(err)
			}
			req, resp := &echopb.EchoRequest{Message: "x"}, new(echopb.EchoResponse)
			b.ReportAllocs()
			for b.Loop() {
				if err := s.SendMsg(req); err != nil {
					b.Fatal(err)
				}
				if err := s.RecvMsg(resp); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := s.CloseSend(); err != nil {
				b.Fatal(err)
			}
			for {
				if err := s.RecvMsg(resp); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServerStream1KiB: one server stream; an op is one 1 KiB message
// received.
func BenchmarkServerStream1KiB(b *testing.B) {
	for _, st := range stacks.All() {
		b.Run(st.Name(), func(b *testing.B) {
			cl := client(b, st)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := cl.ServerStream(ctx, 0, 1<<10)
			if err != nil {
				b.Fatal(err)
			}
			resp := new(echopb.EchoResponse)
			b.SetBytes(1 << 10)
			b.ReportAllocs()
			for b.Loop() {
				if err := s.RecvMsg(resp); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cancel()
			for s.RecvMsg(resp) == nil {
			}
		})
	}
}

// BenchmarkRawTCPPingPong1B is the floor under BenchmarkUnary1B and
// BenchmarkPingPong1B: a length-prefixed byte and its echo on plain TCP.
func BenchmarkRawTCPPingPong1B(b *testing.B) {
	srv, err := stacks.ServeRaw()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	c, err := stacks.DialRawPingPong(srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := stacks.AppendRawMessage(nil, []byte("x"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PingPong(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStacksWork runs each benchmark's operation a few times on both
// stacks, so that plain `go test` proves the benchmarks can run.
func TestStacksWork(t *testing.T) {
	for _, st := range stacks.All() {
		t.Run(st.Name(), func(t *testing.T) {
			srv, err := st.Serve()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			cl, err := st.Dial(srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			resp, err := cl.Unary(ctx, &echopb.EchoRequest{Message: "hello"})
			if err != nil || resp.GetMessage() != "hello" {
				t.Fatalf("Unary = %v, %v", resp, err)
			}
			s, err := cl.ServerStream(ctx, 3, 1<<10)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				err := s.RecvMsg(resp)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.GetMessage()) != 1<<10 {
					t.Fatalf("stream message of %d bytes", len(resp.GetMessage()))
				}
				n++
			}
			if n != 3 {
				t.Fatalf("stream gave %d messages, want 3", n)
			}
		})
	}
}
