package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

const (
	kib = 1 << 10
	mib = 1 << 20
)

// workload is one timed workload, run on each stack and on raw TCP.
type workload struct {
	name  string // for -only and -profile
	title string // in the table
	// run measures it on a stack.
	run func(st stacks.Stack, t timing) (result, error)
	// floor is the raw TCP equivalent (nil: none, as for TLS), and
	// floorKey names it so that two workloads with the same floor measure
	// it once per repetition.
	floor    func(t timing) (result, error)
	floorKey string
	// rows picks the figures this workload puts in the table.
	rows []metric
}

// metric is one row of the table.
type metric struct {
	label  string
	higher bool // higher is better
	value  func(result) float64
	format func(float64) string
}

var (
	callsPerSec = metric{"calls/s", true, result.opsPerSec, fmtCount}
	msgsPerSec  = metric{"msgs/s (round trips)", true, result.opsPerSec, fmtCount}
	mibPerSec   = metric{"MiB/s each way", true, result.mibPerSec, fmtMiB}
	readMiB     = metric{"MiB/s received", true, result.mibPerSec, fmtMiB}
	p50         = metric{"p50 latency", false, func(r result) float64 { return r.p50.Seconds() * 1e6 }, fmtMicros}
	p99         = metric{"p99 latency", false, func(r result) float64 { return r.p99.Seconds() * 1e6 }, fmtMicros}
)

func workloads() []workload {
	return []workload{
		{
			name: "unary-1B-c1", title: "unary 1 B, 1 conn, 1 in flight",
			run:   func(st stacks.Stack, t timing) (result, error) { return runUnary(st, t, 1, 1, true) },
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 1, true) }, floorKey: "pp-1-1",
			rows: []metric{callsPerSec, p50, p99},
		},
		{
			name: "unary-1B-c64", title: "unary 1 B, 1 conn, 64 in flight",
			run:   func(st stacks.Stack, t timing) (result, error) { return runUnary(st, t, 1, 64, true) },
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 64, true) }, floorKey: "pp-1-64",
			rows: []metric{callsPerSec, p99},
		},
		{
			name: "unary-1B-c1-otel", title: "unary 1 B, 1 conn, 1 in flight, OTel metrics + traces",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{cfg: stacks.Config{OTel: true}, size: 1, inflight: 1, latency: true})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 1, true) }, floorKey: "pp-1-1",
			rows: []metric{callsPerSec, p50, p99},
		},
		{
			name: "unary-1B-c64-otel", title: "unary 1 B, 1 conn, 64 in flight, OTel metrics + traces",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{cfg: stacks.Config{OTel: true}, size: 1, inflight: 64, latency: true})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 64, true) }, floorKey: "pp-1-64",
			rows: []metric{callsPerSec, p50, p99},
		},
		{
			name: "unary-1KiB-c64", title: "unary 1 KiB, 1 conn, 64 in flight",
			run:   func(st stacks.Stack, t timing) (result, error) { return runUnary(st, t, kib, 64, false) },
			floor: func(t timing) (result, error) { return rawPingPong(t, kib, 64, false) }, floorKey: "pp-1024-64",
			rows: []metric{callsPerSec},
		},
		{
			name: "pingpong-1B-s1", title: "ping-pong stream 1 B, 1 stream",
			run:   func(st stacks.Stack, t timing) (result, error) { return runPingPong(st, t, 1, 1) },
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 1, true) }, floorKey: "pp-1-1",
			rows: []metric{msgsPerSec},
		},
		{
			name: "pingpong-1B-s64", title: "ping-pong stream 1 B, 64 streams",
			run:   func(st stacks.Stack, t timing) (result, error) { return runPingPong(st, t, 1, 64) },
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 64, true) }, floorKey: "pp-1-64",
			rows: []metric{msgsPerSec},
		},
		{
			name: "unary-1MiB-c1", title: "unary 1 MiB, 1 in flight",
			run:   func(st stacks.Stack, t timing) (result, error) { return runUnary(st, t, mib, 1, false) },
			floor: func(t timing) (result, error) { return rawPingPong(t, mib, 1, false) }, floorKey: "pp-1M-1",
			rows: []metric{mibPerSec},
		},
		{
			name: "unary-1MiB-c8", title: "unary 1 MiB, 8 in flight",
			run:   func(st stacks.Stack, t timing) (result, error) { return runUnary(st, t, mib, 8, false) },
			floor: func(t timing) (result, error) { return rawPingPong(t, mib, 8, false) }, floorKey: "pp-1M-8",
			rows: []metric{mibPerSec},
		},
		{
			name: "stream-1KiB", title: "server streaming 1 KiB msgs",
			run:   func(st stacks.Stack, t timing) (result, error) { return runServerStream(st, t, kib) },
			floor: func(t timing) (result, error) { return rawStream(t, kib) }, floorKey: "stream-1024",
			rows: []metric{readMiB},
		},
		{
			name: "unary-1B-c64-tls", title: "unary 1 B over TLS, 1 conn, 64 in flight",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{cfg: stacks.Config{TLS: true}, size: 1, inflight: 64, latency: true})
			},
			rows: []metric{callsPerSec, p99},
		},
		{
			name: "unary-1KiB-c64-gzip", title: "unary 1 KiB gzip, 1 conn, 64 in flight",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{cfg: stacks.Config{Gzip: true}, size: kib, inflight: 64})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, kib, 64, false) }, floorKey: "pp-1024-64",
			rows: []metric{callsPerSec},
		},
		{
			name: "unary-1B-conns100", title: "unary 1 B, 100 conns, 1 in flight each",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{size: 1, inflight: 100, conns: 100, latency: true})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 100, true) }, floorKey: "pp-1-100",
			rows: []metric{callsPerSec, p50, p99},
		},
		{
			name: "unary-1B-c64-rr4", title: "unary 1 B, round_robin over 4 servers, 64 in flight",
			run: func(st stacks.Stack, t timing) (result, error) {
				return runSetup(st, t, setup{cfg: stacks.Config{RoundRobin: true}, size: 1, inflight: 64, servers: 4, latency: true})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, 1, 64, true) }, floorKey: "pp-1-64",
			rows: []metric{callsPerSec, p99},
		},
		{
			name: "unary-64MiB-c1", title: "unary 64 MiB, 1 in flight",
			run: func(st stacks.Stack, t timing) (result, error) {
				// The limit leaves room for the protobuf field's tag and length.
				return runSetup(st, t, setup{cfg: stacks.Config{MaxMsg: 65 * mib}, size: 64 * mib, inflight: 1})
			},
			floor: func(t timing) (result, error) { return rawPingPong(t, 64*mib, 1, false) }, floorKey: "pp-64M-1",
			rows: []metric{mibPerSec},
		},
		{
			name: "first-call", title: "fresh channel: connect + first unary call",
			run:  runFirstCall,
			rows: []metric{p50, p99},
		},
	}
}

func findWorkload(name string) (workload, error) {
	var names []string
	for _, w := range workloads() {
		if w.name == name {
			return w, nil
		}
		names = append(names, w.name)
	}
	return workload{}, fmt.Errorf("unknown workload %q (one of %s)", name, strings.Join(names, ", "))
}

// session is a fresh server and a client of it, one connection made.
type session struct {
	srv *stacks.Server
	cl  stacks.Client
}

func startSession(st stacks.Stack) (*session, error) {
	srv, err := st.Serve()
	if err != nil {
		return nil, err
	}
	cl, err := st.Dial(srv.Addr)
	if err != nil {
		srv.Stop()
		return nil, err
	}
	// Connect before the clock starts.
	if _, err := cl.Unary(context.Background(), &echopb.EchoRequest{Message: "x"}); err != nil {
		cl.Close()
		srv.Stop()
		return nil, fmt.Errorf("first call: %w", err)
	}
	return &session{srv, cl}, nil
}

func (s *session) close() {
	s.cl.Close()
	s.srv.Stop()
}

// runUnary: inflight goroutines each making unary calls of size bytes each
// way on one connection.
func runUnary(st stacks.Stack, t timing, size, inflight int, latency bool) (result, error) {
	s, err := startSession(st)
	if err != nil {
		return result{}, err
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &echopb.EchoRequest{Message: strings.Repeat("x", size)}
	return drive(inflight, t, latency, cancel, func(int) (int, error) {
		resp, err := s.cl.Unary(ctx, req)
		if err != nil {
			return 0, err
		}
		if len(resp.GetMessage()) != size {
			return 0, fmt.Errorf("response of %d bytes, want %d", len(resp.GetMessage()), size)
		}
		return size, nil
	})
}

// runPingPong: streams bidirectional streams on one connection, each
// sending a message and waiting for its echo, back to back.
func runPingPong(st stacks.Stack, t timing, size, streams int) (result, error) {
	s, err := startSession(st)
	if err != nil {
		return result{}, err
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &echopb.EchoRequest{Message: strings.Repeat("x", size)}
	ss := make([]stacks.MsgStream, streams)
	resps := make([]*echopb.EchoResponse, streams)
	for i := range ss {
		if ss[i], err = s.cl.Bidi(ctx); err != nil {
			return result{}, fmt.Errorf("opening stream %d: %w", i, err)
		}
		resps[i] = new(echopb.EchoResponse)
	}
	r, err := drive(streams, t, false, cancel, func(w int) (int, error) {
		if err := ss[w].SendMsg(req); err != nil {
			return 0, err
		}
		if err := ss[w].RecvMsg(resps[w]); err != nil {
			return 0, err
		}
		return size, nil
	})
	if err != nil {
		return r, err
	}
	for i, st := range ss {
		if err := finishStream(st, resps[i]); err != nil {
			return r, fmt.Errorf("closing stream %d: %w", i, err)
		}
	}
	return r, nil
}

// finishStream half-closes and reads to the end of a bidi stream.
func finishStream(st stacks.MsgStream, m *echopb.EchoResponse) error {
	if err := st.CloseSend(); err != nil {
		return err
	}
	for {
		err := st.RecvMsg(m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// runServerStream: one server stream of size-byte messages, read as fast
// as the client can.
func runServerStream(st stacks.Stack, t timing, size int) (result, error) {
	s, err := startSession(st)
	if err != nil {
		return result{}, err
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := s.cl.ServerStream(ctx, 0, size)
	if err != nil {
		return result{}, err
	}
	resp := new(echopb.EchoResponse)
	r, err := drive(1, t, false, cancel, func(int) (int, error) {
		if err := stream.RecvMsg(resp); err != nil {
			return 0, err
		}
		return len(resp.GetMessage()), nil
	})
	cancel()
	for stream.RecvMsg(resp) == nil {
	}
	return r, err
}

// rawPingPong: conns raw TCP connections, each with one goroutine sending a
// length-prefixed message of size bytes and reading its echo.
func rawPingPong(t timing, size, conns int, latency bool) (result, error) {
	srv, err := stacks.ServeRaw()
	if err != nil {
		return result{}, err
	}
	defer srv.Stop()
	cs := make([]*stacks.RawConn, conns)
	defer func() {
		for _, c := range cs {
			if c != nil {
				c.Close()
			}
		}
	}()
	for i := range cs {
		if cs[i], err = stacks.DialRawPingPong(srv.Addr); err != nil {
			return result{}, err
		}
	}
	msg := stacks.AppendRawMessage(nil, []byte(strings.Repeat("x", size)))
	return drive(conns, t, latency, func() {
		for _, c := range cs {
			c.Close()
		}
	}, func(w int) (int, error) {
		n, err := cs[w].PingPong(msg)
		if err == nil && n != size {
			err = fmt.Errorf("echo of %d bytes, want %d", n, size)
		}
		return n, err
	})
}

// rawStream: one raw TCP connection on which the server writes size-byte
// messages as fast as the client reads them.
func rawStream(t timing, size int) (result, error) {
	srv, err := stacks.ServeRaw()
	if err != nil {
		return result{}, err
	}
	defer srv.Stop()
	c, err := stacks.DialRawStream(srv.Addr, size)
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	return drive(1, t, false, func() { c.Close() }, func(int) (int, error) { return c.Recv() })
}
