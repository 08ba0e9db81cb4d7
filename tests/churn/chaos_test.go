package churn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/keepalive"
	"github.com/actorpc/actorpc/rpc/status"
)

// retryConfig retries every echo method on UNAVAILABLE, quickly.
const retryConfig = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo"}],
 "retryPolicy":{"maxAttempts":5,"initialBackoff":"0.01s","maxBackoff":"0.1s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]}`

const (
	minCalls       = 240  // at least this many calls...
	minConnections = 24   // ...and on until this many connections were made (a third faulted)
	maxCalls       = 8000 // but never more calls than this
	workers        = 6
	callDeadline   = 10 * time.Second
)

// outcome is how one call ended.
type outcome struct {
	id, kind string
	err      error  // nil: OK
	wrong    string // a response that was not the one expected
}

// The rules the outcomes must follow:
//
//   - Every call ends before its deadline: drops and resets end a
//     connection at once, and a stalled one is found by keepalive, so
//     DeadlineExceeded means a hang.
//   - An OK call got exactly the responses its requests ask for.
//   - The only failure a fault explains is UNAVAILABLE.
//   - Unary and server-streaming calls are retried under the policy until
//     they commit (response headers), and faults hit at most every third
//     connection, so such a call fails only after the server saw it
//     (a server stream cut after its headers). A call the server never saw
//     must succeed.
//   - Client and bidi streams are not replayed once their messages went
//     out (gRFC A6: only transparently, when the stream never reached the
//     server's HTTP/2 layer), so they may end UNAVAILABLE whether or not
//     the server saw them.
func TestCallsSurviveChaos(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (rerun with CHAOS_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	svc := &echo{seen: make(map[string]int)}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := rpc.NewServer(
		// Connections age quickly, so that many are made and faulted.
		rpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionAge: 100 * time.Millisecond, MaxConnectionAgeGrace: callDeadline}),
		rpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Millisecond, PermitWithoutStream: true}))
	echopb.RegisterEchoServer(srv, svc)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	defer func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	p := startProxy(t, lis.Addr().String(), &faults{rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())), faultEvery: 3})
	cc, err := rpc.NewClient("passthrough:///"+p.addr(),
		rpc.WithTransportCredentials(insecure.NewCredentials()),
		rpc.WithDefaultServiceConfig(retryConfig),
		rpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 50 * time.Millisecond, Timeout: 300 * time.Millisecond, PermitWithoutStream: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)

	// Each call's size is drawn by its worker from its own generator, so
	// that the seed decides them however the workers interleave.
	outcomes := make(chan outcome, maxCalls)
	var mu sync.Mutex
	issued := 0
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if issued >= maxCalls || (issued >= minCalls && p.connections() >= minConnections) {
			return 0, false
		}
		issued++
		return issued - 1, true
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		sizes := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		go func() {
			defer wg.Done()
			for i, ok := take(); ok; i, ok = take() {
				outcomes <- call(client, i, sizes.IntN(40000))
			}
		}()
	}
	wg.Wait()
	close(outcomes)

	counts := map[string]int{}
	for o := range outcomes {
		code := status.Code(o.err)
		counts[o.kind+" "+code.String()]++
		switch {
		case o.wrong != "":
			t.Errorf("%s call %s: wrong response: %s", o.kind, o.id, o.wrong)
		case o.err == nil:
		case code != codes.Unavailable:
			t.Errorf("%s call %s ended %v: %v", o.kind, o.id, code, o.err)
		case (o.kind == "unary" || o.kind == "server-stream") && svc.times(o.id) == 0:
			t.Errorf("%s call %s ended %v though the server never saw it and a retry could repeat it: %v", o.kind, o.id, code, o.err)
		}
	}
	t.Logf("%d calls, %d connections; outcomes %v", issued, p.connections(), counts)
	if t.Failed() {
		p.mu.Lock()
		t.Logf("faults:\n%s", strings.Join(p.log, "\n"))
		p.mu.Unlock()
	}
	if p.connections() < minConnections {
		t.Errorf("only %d connections were made in %d calls: too few faults were tried", p.connections(), issued)
	}
}

// call makes call i, of the kind i selects, and checks what comes back.
func call(client echopb.EchoClient, i, size int) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), callDeadline)
	defer cancel()
	id := fmt.Sprintf("c%d", i)
	o := outcome{id: id}
	switch i % 4 {
	case 0:
		o.kind = "unary"
		req := payload(id, 0, size)
		resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: req})
		o.err = err
		if err == nil && resp.GetMessage() != req {
			o.wrong = describe(resp.GetMessage(), req)
		}
	case 1:
		o.kind = "server-stream"
		req := payload(id, 0, size)
		o.err, o.wrong = serverStream(ctx, client, req)
	case 2:
		o.kind = "client-stream"
		o.err, o.wrong = clientStream(ctx, client, id, size)
	case 3:
		o.kind = "bidi"
		o.err, o.wrong = bidi(ctx, client, id, size)
	}
	return o
}

func serverStream(ctx context.Context, client echopb.EchoClient, req string) (error, string) {
	s, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: req})
	if err != nil {
		return err, ""
	}
	want := streamed(req)
	for n := 0; ; n++ {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			if n != len(want) {
				return nil, fmt.Sprintf("%d responses, want %d", n, len(want))
			}
			return nil, ""
		}
		if err != nil {
			return err, ""
		}
		if n >= len(want) || resp.GetMessage() != want[n] {
			return nil, fmt.Sprintf("response %d: %s", n, describe(resp.GetMessage(), want[min(n, len(want)-1)]))
		}
	}
}

func clientStream(ctx context.Context, client echopb.EchoClient, id string, size int) (error, string) {
	s, err := client.ClientStreamingEcho(ctx)
	if err != nil {
		return err, ""
	}
	var parts []string
	for part := range 3 {
		m := payload(id, part, size/3)
		parts = append(parts, m)
		if err := s.Send(&echopb.EchoRequest{Message: m}); err != nil {
			break // the status comes from CloseAndRecv
		}
	}
	resp, err := s.CloseAndRecv()
	if err != nil {
		return err, ""
	}
	if want := strings.Join(parts, "|"); resp.GetMessage() != want {
		return nil, describe(resp.GetMessage(), want)
	}
	return nil, ""
}

func bidi(ctx context.Context, client echopb.EchoClient, id string, size int) (error, string) {
	s, err := client.BidirectionalStreamingEcho(ctx)
	if err != nil {
		return err, ""
	}
	for part := range 3 {
		m := payload(id, part, size/3)
		if err := s.Send(&echopb.EchoRequest{Message: m}); err != nil {
			_, err := s.Recv()
			return err, ""
		}
		resp, err := s.Recv()
		if err != nil {
			return err, ""
		}
		if resp.GetMessage() != m {
			return nil, describe(resp.GetMessage(), m)
		}
	}
	if err := s.CloseSend(); err != nil {
		return err, ""
	}
	if _, err := s.Recv(); !errors.Is(err, io.EOF) {
		return err, ""
	}
	return nil, ""
}

// describe says how got differs from want, briefly.
func describe(got, want string) string {
	short := func(s string) string {
		if len(s) > 40 {
			return s[:40] + "..."
		}
		return s
	}
	return fmt.Sprintf("got %d bytes %q, want %d bytes %q", len(got), short(got), len(want), short(want))
}
