package echoserver_test

import (
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

func TestUnaryEchoReturnsRequest(t *testing.T) {
	f := start(t)
	for _, msg := range []string{"hello", "", "  spaced\tout  ", "ünïcødé ✓"} {
		resp, err := f.client.UnaryEcho(callContext(t, nil), &echopb.EchoRequest{Message: msg})
		if err != nil {
			t.Fatalf("UnaryEcho(%q): %v", msg, err)
		}
		if got := resp.GetMessage(); got != msg {
			t.Errorf("UnaryEcho(%q) = %q, want the request", msg, got)
		}
	}
}

func TestServerStreamingEchoSendsWords(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		msg  string
		want []string
	}{
		{"hello big world", []string{"hello", "big", "world"}},
		{"  tabs\tand\nnewlines  ", []string{"tabs", "and", "newlines"}},
		{"", nil},
		{" \t ", nil},
	} {
		stream, err := f.client.ServerStreamingEcho(callContext(t, nil), &echopb.EchoRequest{Message: tc.msg})
		if err != nil {
			t.Fatalf("ServerStreamingEcho(%q): %v", tc.msg, err)
		}
		got, err := recvAll(stream)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ServerStreamingEcho(%q) = %q, %v; want %q, OK", tc.msg, got, err, tc.want)
		}
	}
}

func TestClientStreamingEchoJoinsMessages(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		msgs []string
		want string
	}{
		{nil, ""},
		{[]string{"one"}, "one"},
		{[]string{"a b", "c", "ü"}, "a b c ü"},
		{[]string{"", ""}, " "},
	} {
		stream, err := f.client.ClientStreamingEcho(callContext(t, nil))
		if err != nil {
			t.Fatalf("ClientStreamingEcho: %v", err)
		}
		if err := sendAll(stream, tc.msgs); err != nil {
			t.Fatalf("ClientStreamingEcho(%q): Send: %v", tc.msgs, err)
		}
		resp, err := stream.CloseAndRecv()
		if err != nil {
			t.Fatalf("ClientStreamingEcho(%q): CloseAndRecv: %v", tc.msgs, err)
		}
		if got := resp.GetMessage(); got != tc.want {
			t.Errorf("ClientStreamingEcho(%q) = %q, want %q", tc.msgs, got, tc.want)
		}
	}
}

// TestBidirectionalStreamingEchoAnswersEachMessage waits for every echo
// before sending the next message, which only succeeds if the server
// answers messages as they arrive rather than after the half-close.
func TestBidirectionalStreamingEchoAnswersEachMessage(t *testing.T) {
	f := start(t)
	stream, err := f.client.BidirectionalStreamingEcho(callContext(t, nil))
	if err != nil {
		t.Fatalf("BidirectionalStreamingEcho: %v", err)
	}
	for _, msg := range []string{"ping", "", "pong ü"} {
		if err := stream.Send(&echopb.EchoRequest{Message: msg}); err != nil {
			t.Fatalf("Send(%q): %v", msg, err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("Recv after Send(%q): %v", msg, err)
		}
		if got := resp.GetMessage(); got != msg {
			t.Errorf("echo of %q = %q", msg, got)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatalf("CloseSend: %v", err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("Recv after CloseSend = %v, want io.EOF (status OK)", err)
	}
}

func TestBidirectionalStreamingEchoWithoutMessages(t *testing.T) {
	f := start(t)
	stream, err := f.client.BidirectionalStreamingEcho(callContext(t, nil))
	if err != nil {
		t.Fatalf("BidirectionalStreamingEcho: %v", err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatalf("CloseSend: %v", err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("Recv after CloseSend = %v, want io.EOF (status OK)", err)
	}
}

// TestEveryKindWithoutControls runs the shared call table without any
// metadata, checking the outcomes the other tables build on.
func TestEveryKindWithoutControls(t *testing.T) {
	f := start(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			o := k.call(t, callContext(t, nil), f.client)
			if o.err != nil || !slices.Equal(o.msgs, k.want) {
				t.Errorf("got %q, %v; want %q, OK", o.msgs, o.err, k.want)
			}
			if len(echoed(o.header)) != 0 || len(echoed(o.trailer)) != 0 {
				t.Errorf("header %s, trailer %s: want no x-echo- keys", quoted(o.header), quoted(o.trailer))
			}
		})
	}
}
