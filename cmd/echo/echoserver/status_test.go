package echoserver_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// statusMessage has multi-byte UTF-8, a percent sign and a newline, which
// the grpc-message header must percent-encode and the client decode.
const statusMessage = "échec ✗ 失败 🚀 100%\nfin"

// TestEchoStatusEveryCode ends each kind of call with every non-OK code,
// after the normal responses.
func TestEchoStatusEveryCode(t *testing.T) {
	f := start(t)
	for code := codes.Code(1); code <= 16; code++ {
		for _, k := range kinds {
			t.Run(code.String()+"/"+k.name, func(t *testing.T) {
				md := metadata.MD{
					"echo-status":             {strconv.Itoa(int(code))},
					"echo-status-message-bin": {statusMessage},
					"x-echo-code":             {code.String()},
				}
				o := k.call(t, callContext(t, md), f.client)
				st := status.Convert(o.err)
				if st.Code() != code || st.Message() != statusMessage {
					t.Errorf("status = %v %q, want %v %q", st.Code(), st.Message(), code, statusMessage)
				}
				// A unary call has no response besides an OK status, and a
				// client-streaming response is reported with its status.
				want := k.want
				if k.name == "unary" || k.name == "client" {
					want = nil
				}
				if !slices.Equal(o.msgs, want) {
					t.Errorf("responses = %q, want %q before the status", o.msgs, want)
				}
				if got := o.trailer.Get("x-echo-code"); !slices.Equal(got, []string{code.String()}) {
					t.Errorf("trailer x-echo-code = %q, want %q", got, code.String())
				}
			})
		}
	}
}

func TestEchoStatusTextMessage(t *testing.T) {
	f := start(t)
	md := metadata.Pairs("echo-status", "5", "echo-status-message", "no such thing")
	o := callServer(t, callContext(t, md), f.client)
	st := status.Convert(o.err)
	if st.Code() != codes.NotFound || st.Message() != "no such thing" {
		t.Errorf("status = %v %q, want NotFound %q", st.Code(), st.Message(), "no such thing")
	}
}

// TestEchoStatusOK checks that code 0 is accepted and means a normal end.
func TestEchoStatusOK(t *testing.T) {
	f := start(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			o := k.call(t, callContext(t, metadata.Pairs("echo-status", "0")), f.client)
			if o.err != nil || !slices.Equal(o.msgs, k.want) {
				t.Errorf("got %q, %v; want %q, OK", o.msgs, o.err, k.want)
			}
		})
	}
}

// TestInvalidControls checks that malformed control metadata is rejected
// with InvalidArgument naming the key, by every kind of call.
func TestInvalidControls(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		name string
		md   metadata.MD
		key  string
	}{
		{"status not a number", metadata.Pairs("echo-status", "NotFound"), "echo-status"},
		{"status negative", metadata.Pairs("echo-status", "-1"), "echo-status"},
		{"status too big", metadata.Pairs("echo-status", "4294967296"), "echo-status"},
		{"status twice", metadata.Pairs("echo-status", "1", "echo-status", "2"), "echo-status"},
		{"delay not a number", metadata.Pairs("echo-delay-ms", "1s"), "echo-delay-ms"},
		{"delay negative", metadata.Pairs("echo-delay-ms", "-5"), "echo-delay-ms"},
		{"delay too long", metadata.Pairs("echo-delay-ms", "3600001"), "echo-delay-ms"},
		{"both messages", metadata.Pairs("echo-status", "2", "echo-status-message", "a", "echo-status-message-bin", "b"), "echo-status-message-bin"},
		{"message not UTF-8", metadata.Pairs("echo-status", "2", "echo-status-message-bin", "\xff\xfe"), "echo-status-message-bin"},
	} {
		for _, k := range kinds {
			t.Run(tc.name+"/"+k.name, func(t *testing.T) {
				o := k.call(t, callContext(t, tc.md), f.client)
				st := status.Convert(o.err)
				if st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), tc.key) {
					t.Errorf("status = %v %q, want InvalidArgument mentioning %s", st.Code(), st.Message(), tc.key)
				}
				if len(o.msgs) != 0 {
					t.Errorf("responses = %q, want none", o.msgs)
				}
			})
		}
	}
}
