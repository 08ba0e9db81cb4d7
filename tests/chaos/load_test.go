package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// callKind is one of gRPC's four kinds of call.
type callKind int

const (
	unary callKind = iota
	serverStreaming
	clientStreaming
	bidiStreaming
	numKinds
)

func (k callKind) String() string {
	return [...]string{"unary", "server-streaming", "client-streaming", "bidi-streaming"}[k]
}

// retryConfig retries UNAVAILABLE on every Echo method: 5 attempts (gRPC's
// cap), backoff 10 ms to 100 ms, no throttling, so that only the policy
// decides.
const retryConfig = `{"methodConfig":[{"name":[{"service":"grpc.examples.echo.Echo"}],"retryPolicy":{"maxAttempts":5,"initialBackoff":"0.01s","maxBackoff":"0.1s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]}`

const maxAttempts = 5

// callSpec is one call: its id and the messages it sends, each of which
// carries the id, so that a response of another call cannot pass for its.
type callSpec struct {
	id   string
	kind callKind
	msgs []string
}

// newCall draws a call's messages: 1 to 6 of 0 to 16 KiB.
func newCall(r *rand.Rand, id string, kind callKind) callSpec {
	n := 1
	if kind != unary {
		n = 1 + r.IntN(6)
	}
	s := callSpec{id: id, kind: kind}
	for i := range n {
		size := r.IntN(1 << 10)
		if r.IntN(8) == 0 {
			size = r.IntN(16 << 10)
		}
		s.msgs = append(s.msgs, fmt.Sprintf("%s.%d.%s", id, i, strings.Repeat(string(rune('a'+r.IntN(26))), size)))
	}
	return s
}

// callResult is how a call ended. wrong, when set, says how a response
// differed from what was sent: never allowed, whatever the status.
type callResult struct {
	spec  callSpec
	err   error
	wrong string
	took  time.Duration
	hung  bool
}

func (r callResult) code() codes.Code { return status.Code(r.err) }

// runCall makes the call s and checks every response it gets.
func runCall(ctx context.Context, c echopb.EchoClient, s callSpec) (err error, wrong string) {
	ctx = metadata.AppendToOutgoingContext(ctx, idHeader, s.id)
	switch s.kind {
	case unary:
		resp, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: s.msgs[0]})
		if err != nil {
			return err, ""
		}
		return nil, same("the response", resp.GetMessage(), s.msgs[0])
	case serverStreaming:
		stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: strings.Join(s.msgs, " ")})
		if err != nil {
			return err, ""
		}
		return recvAll(s.msgs, stream.Recv)
	case clientStreaming:
		stream, err := c.ClientStreamingEcho(ctx)
		if err != nil {
			return err, ""
		}
		for _, m := range s.msgs {
			if stream.Send(&echopb.EchoRequest{Message: m}) != nil {
				break // CloseAndRecv tells the status
			}
		}
		resp, err := stream.CloseAndRecv()
		if err != nil {
			return err, ""
		}
		return nil, same("the response", resp.GetMessage(), strings.Join(s.msgs, " "))
	default:
		stream, err := c.BidirectionalStreamingEcho(ctx)
		if err != nil {
			return err, ""
		}
		for i, m := range s.msgs {
			if stream.Send(&echopb.EchoRequest{Message: m}) != nil {
				break
			}
			resp, err := stream.Recv()
			if err != nil {
				return err, ""
			}
			if w := same(fmt.Sprintf("response %d", i), resp.GetMessage(), m); w != "" {
				return nil, w
			}
		}
		stream.CloseSend()
		_, err = stream.Recv()
		if err == nil {
			return nil, "a response after the last request's"
		}
		if !errors.Is(err, io.EOF) {
			return err, ""
		}
		// Send may have failed above: the status came from Recv then.
		return nil, ""
	}
}

// recvAll receives a server stream's responses: want, then the status.
func recvAll(want []string, recv func() (*echopb.EchoResponse, error)) (error, string) {
	for i := 0; ; i++ {
		resp, err := recv()
		if errors.Is(err, io.EOF) {
			if i != len(want) {
				return nil, fmt.Sprintf("status OK after %d of %d responses", i, len(want))
			}
			return nil, ""
		}
		if err != nil {
			return err, ""
		}
		if i >= len(want) {
			return nil, fmt.Sprintf("response %d of %d", i+1, len(want))
		}
		if w := same(fmt.Sprintf("response %d", i), resp.GetMessage(), want[i]); w != "" {
			return nil, w
		}
	}
}

func same(what, got, want string) string {
	if got == want {
		return ""
	}
	return fmt.Sprintf("%s is %.40q... (%d bytes), want %.40q... (%d bytes)", what, got, len(got), want, len(want))
}

// hangSlack is how long past its deadline a call may take to end: the
// race detector on a busy 2-core machine, not the library, is the bound.
const hangSlack = time.Second

// watch runs the call s with deadline and reports a call still running
// hangSlack after it as hung (it then waits a while longer for it, so
// that a slow call does not leak past the test).
func watch(t *testing.T, c echopb.EchoClient, s callSpec, deadline time.Duration) callResult {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	done := make(chan callResult, 1)
	go func() {
		err, wrong := runCall(ctx, c, s)
		done <- callResult{spec: s, err: err, wrong: wrong, took: time.Since(start)}
	}()
	timer := time.NewTimer(deadline + hangSlack)
	defer timer.Stop()
	select {
	case r := <-done:
		return r
	case <-timer.C:
	}
	t.Errorf("%s call %s still running %v after its deadline of %v", s.kind, s.id, hangSlack, deadline)
	grace := time.NewTimer(10 * time.Second)
	defer grace.Stop()
	select {
	case r := <-done:
		r.hung = true
		return r
	case <-grace.C:
		return callResult{spec: s, hung: true, err: errors.New("never ended")}
	}
}
