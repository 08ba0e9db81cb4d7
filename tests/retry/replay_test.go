package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// streamBackend counts the attempts of client and bidi streams, keyed by
// the call's x-call header, records what each attempt received, and lets
// the test decide how each ends.
type streamBackend struct {
	echopb.UnimplementedEchoServer
	// fail says how attempt n of call ends once it has read every
	// request: nil echoes them.
	fail func(call string, n int) error
	// headersFirst: the bidi handler sends its headers (with a response
	// per request) before it fails.
	headersFirst bool
	// early, when set, may end attempt n of a bidi call before it reads
	// anything.
	early func(n int) error
	// hangFirst: the first attempt of every call reads nothing and waits
	// to be cancelled.
	hangFirst bool

	mu       sync.Mutex
	received map[string][][]string // call -> attempt -> requests
}

func (b *streamBackend) attempt(ctx context.Context) (string, int) {
	md, _ := metadata.FromIncomingContext(ctx)
	call := strings.Join(md.Get("x-call"), "")
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.received == nil {
		b.received = make(map[string][][]string)
	}
	b.received[call] = append(b.received[call], nil)
	return call, len(b.received[call]) - 1
}

func (b *streamBackend) got(call string, n int, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.received[call][n] = append(b.received[call][n], msg)
}

func (b *streamBackend) attempts(call string) [][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]string(nil), b.received[call]...)
}

func (b *streamBackend) ClientStreamingEcho(s echopb.Echo_ClientStreamingEchoServer) error {
	call, n := b.attempt(s.Context())
	if b.hangFirst && n == 0 {
		<-s.Context().Done()
		return s.Context().Err()
	}
	var words []string
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		b.got(call, n, req.GetMessage())
		words = append(words, req.GetMessage())
	}
	if b.fail != nil {
		if err := b.fail(call, n); err != nil {
			return err
		}
	}
	return s.SendAndClose(&echopb.EchoResponse{Message: strings.Join(words, " ")})
}

func (b *streamBackend) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	call, n := b.attempt(s.Context())
	if b.hangFirst && n == 0 {
		<-s.Context().Done()
		return s.Context().Err()
	}
	if b.early != nil {
		if err := b.early(n); err != nil {
			return err
		}
	}
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		b.got(call, n, req.GetMessage())
		if b.headersFirst || b.fail == nil || b.fail(call, n) == nil {
			if err := s.Send(&echopb.EchoResponse{Message: req.GetMessage()}); err != nil {
				return err
			}
		}
	}
	if b.fail != nil {
		return b.fail(call, n)
	}
	return nil
}

// failFirstAttempts fails the first k attempts of every call UNAVAILABLE.
func failFirstAttempts(k int) func(string, int) error {
	return func(_ string, n int) error {
		if n < k {
			return unavailable(n)
		}
		return nil
	}
}

func callNamed(t *testing.T, name string) context.Context {
	return metadata.AppendToOutgoingContext(callContext(t, 10*time.Second), "x-call", name)
}

// TestReplayClientStreaming: a client-streaming call whose attempts fail
// before any response is replayed whole (every message, then CloseSend)
// on each new attempt, under the retry policy; the server sees the same
// requests every time and the call gets the last attempt's response.
func TestReplayClientStreaming(t *testing.T) {
	b := &streamBackend{fail: failFirstAttempts(2)}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	stream, err := echopb.NewEchoClient(cc).ClientStreamingEcho(callNamed(t, "cs"))
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"one", "two", "three"}
	for _, w := range words {
		if err := stream.Send(&echopb.EchoRequest{Message: w}); err != nil {
			t.Fatalf("Send(%q): %v", w, err)
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		t.Fatalf("CloseAndRecv: %v; want the third attempt's response", err)
	}
	if want := strings.Join(words, " "); resp.GetMessage() != want {
		t.Errorf("response %q, want %q", resp.GetMessage(), want)
	}
	attempts := b.attempts("cs")
	if len(attempts) != 3 {
		t.Fatalf("server saw %d attempts, want 3", len(attempts))
	}
	for i, got := range attempts {
		if fmt.Sprint(got) != fmt.Sprint(words) {
			t.Errorf("attempt %d received %q, want %q", i, got, words)
		}
	}
}

// TestReplayBidiStreaming: a bidi call that fails before any response is
// replayed on a new attempt; once a response (and so its headers) came,
// the call is committed and a failure is final.
func TestReplayBidiStreaming(t *testing.T) {
	t.Run("BeforeResponses", func(t *testing.T) {
		b := &streamBackend{fail: failFirstAttempts(1)}
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
		stream, err := echopb.NewEchoClient(cc).BidirectionalStreamingEcho(callNamed(t, "bidi"))
		if err != nil {
			t.Fatal(err)
		}
		words := []string{"a", "b", "c"}
		for _, w := range words {
			if err := stream.Send(&echopb.EchoRequest{Message: w}); err != nil {
				t.Fatalf("Send(%q): %v", w, err)
			}
		}
		if err := stream.CloseSend(); err != nil {
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
		if fmt.Sprint(got) != fmt.Sprint(words) {
			t.Errorf("received %q, want %q (the second attempt's echo)", got, words)
		}
		if attempts := b.attempts("bidi"); len(attempts) != 2 || fmt.Sprint(attempts[0]) != fmt.Sprint(words) || fmt.Sprint(attempts[1]) != fmt.Sprint(words) {
			t.Errorf("server saw attempts %q, want the three words twice", attempts)
		}
	})
	t.Run("AfterResponses", func(t *testing.T) {
		b := &streamBackend{fail: failFirstAttempts(1), headersFirst: true}
		cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
		stream, err := echopb.NewEchoClient(cc).BidirectionalStreamingEcho(callNamed(t, "committed"))
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&echopb.EchoRequest{Message: "x"}); err != nil {
			t.Fatal(err)
		}
		if resp, err := stream.Recv(); err != nil || resp.GetMessage() != "x" {
			t.Fatalf("Recv = %v, %v; want the echo of x", resp, err)
		}
		if err := stream.CloseSend(); err != nil {
			t.Fatal(err)
		}
		_, err = stream.Recv()
		wantCode(t, err, codes.Unavailable)
		if got := len(b.attempts("committed")); got != 1 {
			t.Errorf("server saw %d attempts of a committed bidi call, want 1", got)
		}
	})
}

// TestReplayInterleaved: a bidi call whose first attempt the server
// refuses at once, while the client goes on sending and receiving on two
// goroutines: every message reaches the server's second attempt, in
// order, and every echo comes back.
func TestReplayInterleaved(t *testing.T) {
	b := &streamBackend{early: func(n int) error {
		if n == 0 {
			return unavailable(n)
		}
		return nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig))
	stream, err := echopb.NewEchoClient(cc).BidirectionalStreamingEcho(callNamed(t, "interleaved"))
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
	attempts := b.attempts("interleaved")
	if len(attempts) < 2 || fmt.Sprint(attempts[len(attempts)-1]) != fmt.Sprint(want) {
		t.Errorf("server's attempts received %q; want the last to hold every message in order", attempts)
	}
}

// TestReplayBufferOverflowCommits: a client stream that sent more than
// the per-call retry buffer holds is committed: its failure is final.
func TestReplayBufferOverflowCommits(t *testing.T) {
	b := &streamBackend{fail: failFirstAttempts(1)}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig), rpc.WithRetryBufferSize(100))
	stream, err := echopb.NewEchoClient(cc).ClientStreamingEcho(callNamed(t, "big"))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := stream.Send(&echopb.EchoRequest{Message: strings.Repeat("x", 60)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = stream.CloseAndRecv()
	wantCode(t, err, codes.Unavailable)
	if got := len(b.attempts("big")); got != 1 {
		t.Errorf("server saw %d attempts of a call past its retry buffer, want 1", got)
	}
}

// TestReplayBufferReleased: the room a stream takes in the channel's
// retry buffer for what it keeps is given back whatever way the call
// ends: committed by a response, finished, failed for good, past its
// buffer, or abandoned by cancelling its context.
func TestReplayBufferReleased(t *testing.T) {
	b := &streamBackend{fail: func(call string, n int) error {
		if strings.HasPrefix(call, "fail") {
			return unavailable(n)
		}
		return nil
	}}
	cc := dial(t, serve(t, b), rpc.WithDefaultServiceConfig(briefConfig), rpc.WithRetryBufferSize(64<<10))
	client := echopb.NewEchoClient(cc)
	clientStream := func(call string, sizes ...int) {
		stream, err := client.ClientStreamingEcho(callNamed(t, call))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range sizes {
			if err := stream.Send(&echopb.EchoRequest{Message: strings.Repeat("m", n)}); err != nil {
				t.Fatalf("%s: Send: %v", call, err)
			}
		}
		stream.CloseAndRecv()
	}
	clientStream("ok", 10, 20000, 10)
	clientStream("fail", 10, 20000)
	clientStream("fail-big", 30000, 30000, 30000)

	bidi, err := client.BidirectionalStreamingEcho(callNamed(t, "bidi"))
	if err != nil {
		t.Fatal(err)
	}
	if err := bidi.Send(&echopb.EchoRequest{Message: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := bidi.Recv(); err != nil {
		t.Fatal(err)
	}
	bidi.CloseSend()
	bidi.Recv()

	ctx, cancel := context.WithCancel(callNamed(t, "abandoned"))
	abandoned, err := client.BidirectionalStreamingEcho(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := abandoned.Send(&echopb.EchoRequest{Message: "x"}); err != nil {
		t.Fatal(err)
	}
	cancel()

	// The abandoned call's room comes back from an actor of its own, after
	// the cancel: wait for it, bounded.
	wait := callContext(t, 10*time.Second)
	for retryBuffered(t, cc) != "0" {
		select {
		case <-wait.Done():
			t.Fatalf("after every stream ended the channel still holds %s bytes of retry buffer, want 0", retryBuffered(t, cc))
		case <-time.After(time.Millisecond):
		}
	}
	if got := len(b.attempts("fail")); got != 4 {
		t.Errorf("a failing client stream within its buffer made %d attempts, want 4", got)
	}
	if got := len(b.attempts("fail-big")); got != 1 {
		t.Errorf("a failing client stream past its buffer made %d attempts, want 1", got)
	}
}
