package echoserver_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// TestMetadataEchoedInHeaderAndTrailer sends x-echo- keys with several
// values, including a -bin key whose bytes are not UTF-8, and a key that
// must not be echoed.
func TestMetadataEchoedInHeaderAndTrailer(t *testing.T) {
	f := start(t)
	want := metadata.MD{
		"x-echo-text":    {"one", "two", ""},
		"x-echo-raw-bin": {string([]byte{0x00, 0xff, 0xfe, 0x80, '\n', 0x7f}), ""},
	}
	md := want.Copy()
	md["not-echoed"] = []string{"secret"}
	md["echo-x-wrong-prefix"] = []string{"no"}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			o := k.call(t, callContext(t, md), f.client)
			if o.err != nil || !slices.Equal(o.msgs, k.want) {
				t.Fatalf("got %q, %v; want %q, OK", o.msgs, o.err, k.want)
			}
			for name, got := range map[string]metadata.MD{"header": o.header, "trailer": o.trailer} {
				if e := echoed(got); !maps.EqualFunc(e, want, slices.Equal) {
					t.Errorf("%s x-echo- keys = %s, want %s", name, quoted(e), quoted(want))
				}
				for _, key := range []string{"not-echoed", "echo-x-wrong-prefix"} {
					if v, ok := got[key]; ok {
						t.Errorf("%s has %s = %q, want it absent", name, key, v)
					}
				}
			}
		})
	}
}

// TestStreamHeadersBeforeResponses reads the headers of the client-sending
// streams before sending anything: the server must send them when the call
// starts, not with its first response.
func TestStreamHeadersBeforeResponses(t *testing.T) {
	f := start(t)
	md := metadata.Pairs("x-echo-early", "yes")
	t.Run("client", func(t *testing.T) {
		stream, err := f.client.ClientStreamingEcho(callContext(t, md))
		if err != nil {
			t.Fatalf("ClientStreamingEcho: %v", err)
		}
		checkEarlyHeader(t, stream)
		if _, err := stream.CloseAndRecv(); err != nil {
			t.Errorf("CloseAndRecv: %v", err)
		}
	})
	t.Run("bidi", func(t *testing.T) {
		stream, err := f.client.BidirectionalStreamingEcho(callContext(t, md))
		if err != nil {
			t.Fatalf("BidirectionalStreamingEcho: %v", err)
		}
		checkEarlyHeader(t, stream)
		if err := stream.CloseSend(); err != nil {
			t.Fatalf("CloseSend: %v", err)
		}
		if _, err := recvAll(stream); err != nil {
			t.Errorf("Recv: %v", err)
		}
	})
}

func checkEarlyHeader(t *testing.T, s headerTrailer) {
	t.Helper()
	header, err := s.Header()
	if err != nil {
		t.Fatalf("Header: %v", err)
	}
	if got := header.Get("x-echo-early"); !slices.Equal(got, []string{"yes"}) {
		t.Errorf("header x-echo-early = %q, want [yes]", got)
	}
}
