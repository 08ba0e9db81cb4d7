package retry

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestHedgingBidi: the first attempt of a hedged bidi call hangs; the
// hedge sent hedgingDelay later gets every message (replayed, or sent to
// both while they race, from a sender on its own goroutine), answers,
// and the call reads its echoes.
func TestHedgingBidi(t *testing.T) {
	b := &streamBackend{hangFirst: true}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "0.02s", false)))
	stream, err := echopb.NewEchoClient(cc).BidirectionalStreamingEcho(callNamed(t, "hedged-bidi"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			if err := stream.Send(&echopb.EchoRequest{Message: fmt.Sprint(i)}); err != nil {
				sent <- err
				return
			}
		}
		sent <- stream.CloseSend()
	}()
	var got []string
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Recv after %q: %v", got, err)
		}
		got = append(got, resp.GetMessage())
	}
	if err := <-sent; err != nil {
		t.Fatalf("sending: %v", err)
	}
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprint(i)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("received %q, want %q", got, want)
	}
	attempts := b.attempts("hedged-bidi")
	if len(attempts) != 2 || fmt.Sprint(attempts[1]) != fmt.Sprint(want) {
		t.Errorf("server's attempts received %q; want two, the second with every message in order", attempts)
	}
}

// TestHedgingClientStreaming: a non-fatal status on a hedged client
// stream sends the next hedge at once (the delay is an hour), replaying
// the stream; a fatal one ends the call.
func TestHedgingClientStreaming(t *testing.T) {
	b := &streamBackend{fail: func(call string, n int) error {
		switch {
		case call == "hedged-fatal":
			return status.Error(codes.Internal, "fatal")
		case n == 0:
			return unavailable(n)
		}
		return nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(3, "3600s", false)))
	client := echopb.NewEchoClient(cc)
	words := []string{"one", "two", "three"}
	run := func(call string) (*echopb.EchoResponse, error) {
		stream, err := client.ClientStreamingEcho(callNamed(t, call))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			if err := stream.Send(&echopb.EchoRequest{Message: w}); err != nil {
				t.Fatalf("Send(%q): %v", w, err)
			}
		}
		return stream.CloseAndRecv()
	}
	resp, err := run("hedged-cs")
	if err != nil {
		t.Fatalf("CloseAndRecv: %v; want the second hedge's response", err)
	}
	if want := strings.Join(words, " "); resp.GetMessage() != want {
		t.Errorf("response %q, want %q", resp.GetMessage(), want)
	}
	attempts := b.attempts("hedged-cs")
	if len(attempts) != 2 || fmt.Sprint(attempts[0]) != fmt.Sprint(words) || fmt.Sprint(attempts[1]) != fmt.Sprint(words) {
		t.Errorf("server's attempts received %q, want the three words twice", attempts)
	}

	_, err = run("hedged-fatal")
	wantCode(t, err, codes.Internal)
	if got := len(b.attempts("hedged-fatal")); got != 1 {
		t.Errorf("server saw %d attempts of a call whose first failed fatally, want 1", got)
	}
}

// TestHedgingServerStreaming: the first attempt of a hedged
// server-streaming call hangs; the hedge answers with every response.
func TestHedgingServerStreaming(t *testing.T) {
	b := &backend{serverStream: func(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer, n int) error {
		if n == 0 {
			<-s.Context().Done()
			return s.Context().Err()
		}
		for _, w := range strings.Fields(req.GetMessage()) {
			if err := s.Send(&echopb.EchoResponse{Message: w}); err != nil {
				return err
			}
		}
		return nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(hedgingConfig(2, "0.02s", false)))
	const msg = "hedged server stream"
	stream, err := echopb.NewEchoClient(cc).ServerStreamingEcho(callNamed(t, "ss"), &echopb.EchoRequest{Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Recv after %q: %v", got, err)
		}
		got = append(got, resp.GetMessage())
	}
	if strings.Join(got, " ") != msg {
		t.Errorf("received %q, want %q", got, msg)
	}
	seen := b.seen(msg)
	if len(seen) != 2 {
		t.Fatalf("server saw %d attempts, want 2", len(seen))
	}
	wantPrevious(t, seen)
}
