package grpcinterop

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	grpccodes "google.golang.org/grpc/codes"
)

// TestCallKinds makes each of the four kinds of call and checks the
// responses and the OK status.
func TestCallKinds(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				o := k.call(callContext(t), f.client, nil)
				require.NoError(t, o.err)
				assert.Equal(t, grpccodes.OK, o.code)
				assert.Equal(t, k.want, o.msgs)
				assert.Empty(t, echoed(o.header), "header")
				assert.Empty(t, echoed(o.trailer), "trailer")
			})
		}
	})
}

// TestEmptyStreams sends no message on the client-streaming and bidi
// calls, and a blank one on the server-streaming call.
func TestEmptyStreams(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		o := f.client.serverStreaming(callContext(t), nil, " \t ")
		require.NoError(t, o.err, "server-streaming")
		assert.Empty(t, o.msgs, "server-streaming")

		o = f.client.clientStreaming(callContext(t), nil, nil)
		require.NoError(t, o.err, "client-streaming")
		assert.Equal(t, []string{""}, o.msgs, "client-streaming")

		o = f.client.bidi(callContext(t), nil, nil)
		require.NoError(t, o.err, "bidi-streaming")
		assert.Empty(t, o.msgs, "bidi-streaming")
	})
}

// binValue is not UTF-8: only the base64 of a -bin key carries it intact.
const binValue = "\x00\xff\xfe\x80\xc3(\x01binary\r\n\x7f"

// TestMetadataHeadersAndTrailers checks that request metadata reaches the
// server and that response headers and trailers reach the client, text
// and binary, with repeated values in order.
func TestMetadataHeadersAndTrailers(t *testing.T) {
	request := md{
		"x-echo-text":      {"plain value", "second value"},
		"x-echo-blob-bin":  {binValue, "", "\x00"},
		"x-echo-utf8-bin":  {"ünïcødé ✓ 状態"},
		"not-echoed":       {"stays on the request"},
		"not-echoed-bin":   {"\xff"},
		"x-echo-empty-val": {""},
	}
	want := md{
		"x-echo-text":      {"plain value", "second value"},
		"x-echo-blob-bin":  {binValue, "", "\x00"},
		"x-echo-utf8-bin":  {"ünïcødé ✓ 状態"},
		"x-echo-empty-val": {""},
	}
	eachDirection(t, func(t *testing.T, f *fixture) {
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				o := k.call(callContext(t), f.client, request)
				require.NoError(t, o.err)
				assert.Equal(t, k.want, o.msgs)
				assert.Equal(t, want, echoed(o.header), "header")
				assert.Equal(t, want, echoed(o.trailer), "trailer")
				assert.NotContains(t, o.header, "not-echoed")
				assert.NotContains(t, o.trailer, "not-echoed-bin")
			})
		}
	})
}

// statusMessageFor is a status message that needs the grpc-message
// percent-encoding: non-ASCII text, '%', and control characters.
func statusMessageFor(c grpccodes.Code) string {
	return fmt.Sprintf("état %d (%v): échec ✗ — 失敗 100%% %%41\ttab\nnewline 😀", uint32(c), c)
}

// TestStatusCodes ends calls of every kind with every non-OK code, with a
// non-ASCII message, and checks that the client sees both intact, after
// the responses the contract sends before the status.
func TestStatusCodes(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		for code := grpccodes.Canceled; code <= grpccodes.Unauthenticated; code++ {
			for _, k := range kinds {
				t.Run(fmt.Sprintf("%d-%v/%s", uint32(code), code, k.name), func(t *testing.T) {
					msg := statusMessageFor(code)
					request := md{
						"echo-status":             {strconv.Itoa(int(code))},
						"echo-status-message-bin": {msg},
						"x-echo-code":             {code.String()},
					}
					o := k.call(callContext(t), f.client, request)
					require.Error(t, o.err)
					assert.Equal(t, code, o.code, "code; error %v", o.err)
					assert.Equal(t, msg, o.message, "message")
					// A unary call and a client-streaming call report the
					// status instead of their response.
					want := k.want
					if k.name == "unary" || k.name == "client-streaming" {
						want = nil
					}
					assert.Equal(t, want, o.msgs, "responses before the status")
					assert.Equal(t, []string{code.String()}, o.trailer["x-echo-code"], "trailer x-echo-code")
				})
			}
		}
	})
}

// TestStatusTextMessage uses the plain-text message key.
func TestStatusTextMessage(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		o := f.client.unary(callContext(t), md{"echo-status": {"5"}, "echo-status-message": {"no such thing"}}, "x")
		assert.Equal(t, grpccodes.NotFound, o.code)
		assert.Equal(t, "no such thing", o.message)
	})
}

// TestInvalidControls checks that malformed control metadata ends every
// kind of call with InvalidArgument and the echoed trailers.
func TestInvalidControls(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				o := k.call(callContext(t), f.client, md{"echo-delay-ms": {"soon"}, "x-echo-why": {"bad delay"}})
				assert.Equal(t, grpccodes.InvalidArgument, o.code, "error %v", o.err)
				assert.Contains(t, o.message, "echo-delay-ms")
				assert.Empty(t, o.msgs)
				assert.Equal(t, []string{"bad delay"}, o.trailer["x-echo-why"], "trailer")
			})
		}
	})
}

// hourDelay is the longest delay the contract allows: only the deadline or
// a cancellation can end a call that waits it.
const hourDelay = "3600000"

// TestDeadlineExceeded makes calls whose server waits longer than the
// client's deadline: the client sees DeadlineExceeded, and the handler's
// context ends (the handler returns: it does not wait the hour).
func TestDeadlineExceeded(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				id := t.Name()
				ctx, cancel := context.WithTimeout(callContext(t), 300*time.Millisecond)
				defer cancel()
				began := time.Now()
				o := k.call(ctx, f.client, md{"echo-delay-ms": {hourDelay}, callIDKey: {id}})
				assert.Equal(t, grpccodes.DeadlineExceeded, o.code, "error %v", o.err)
				assert.Less(t, time.Since(began), failsafe, "the call outlived its deadline")
				// The client's deadline travels as grpc-timeout and its
				// expiry resets the stream: the server's context ends by
				// one or the other, so either error is right.
				ctxErr := f.log.wait(t, id)
				assert.Error(t, ctxErr, "the handler returned with its context still live")
			})
		}
	})
}

// TestCancelMidStream cancels a bidirectional call after one round trip:
// the client sees Canceled and the handler's context is cancelled.
func TestCancelMidStream(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		id := t.Name()
		ctx, cancel := context.WithCancel(callContext(t))
		defer cancel()
		s, err := f.client.openBidi(ctx, md{callIDKey: {id}})
		require.NoError(t, err)
		require.NoError(t, s.Send("first"))
		got, err := s.Recv()
		require.NoError(t, err)
		require.Equal(t, "first", got)

		cancel()
		_, err = s.Recv()
		code, _ := f.client.status(err)
		assert.Equal(t, grpccodes.Canceled, code, "Recv after cancel: %v", err)
		assert.ErrorIs(t, f.log.wait(t, id), context.Canceled, "the handler's context")
	})
}

// TestCancelWhileServerWaits cancels a bidi call whose handler is waiting
// (echo-delay-ms) to send its first response.
func TestCancelWhileServerWaits(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		id := t.Name()
		ctx, cancel := context.WithCancel(callContext(t))
		defer cancel()
		s, err := f.client.openBidi(ctx, md{callIDKey: {id}, "echo-delay-ms": {hourDelay}, "x-echo-started": {"yes"}})
		require.NoError(t, err)
		require.NoError(t, s.Send("never echoed"))
		// The contract sends the headers when the handler starts; no
		// response can come before an hour, so the handler is waiting.
		h, err := s.Header()
		require.NoError(t, err)
		require.Equal(t, []string{"yes"}, h["x-echo-started"])
		cancel()
		_, err = s.Recv()
		code, _ := f.client.status(err)
		assert.Equal(t, grpccodes.Canceled, code, "Recv after cancel: %v", err)
		assert.ErrorIs(t, f.log.wait(t, id), context.Canceled, "the handler's context")
	})
}

// bigMessage is 3.5 MiB of ASCII: under the default 4 MiB receive limit
// once framed, and far over every HTTP/2 window and frame size.
func bigMessage(seed int) string {
	b := make([]byte, 7<<19)
	for i := range b {
		b[i] = 'a' + byte((i*7+i/4093+seed)%26)
	}
	return string(b)
}

// TestLargeMessages sends 3.5 MiB each way: a unary call, and a bidi call
// with two of them.
func TestLargeMessages(t *testing.T) {
	eachDirection(t, func(t *testing.T, f *fixture) {
		t.Run("unary", func(t *testing.T) {
			big := bigMessage(0)
			o := f.client.unary(callContext(t), nil, big)
			require.NoError(t, o.err)
			require.Len(t, o.msgs, 1)
			assert.True(t, o.msgs[0] == big, "the echo of 3.5 MiB differs (%d bytes back)", len(o.msgs[0]))
		})
		t.Run("bidi-streaming", func(t *testing.T) {
			bigs := []string{bigMessage(1), bigMessage(2)}
			o := f.client.bidi(callContext(t), nil, bigs)
			require.NoError(t, o.err)
			require.Len(t, o.msgs, 2)
			for i := range bigs {
				assert.True(t, o.msgs[i] == bigs[i], "echo %d of 3.5 MiB differs (%d bytes back)", i, len(o.msgs[i]))
			}
		})
	})
}

// TestConcurrentUnary makes 50 unary calls at once on one client.
func TestConcurrentUnary(t *testing.T) {
	const calls = 50
	eachDirection(t, func(t *testing.T, f *fixture) {
		ctx := callContext(t)
		outcomes := make([]outcome, calls)
		var wg sync.WaitGroup
		for i := range calls {
			wg.Go(func() {
				outcomes[i] = f.client.unary(ctx, md{"x-echo-call": {strconv.Itoa(i)}}, strings.Repeat("x", i)+strconv.Itoa(i))
			})
		}
		wg.Wait()
		for i, o := range outcomes {
			if !assert.NoError(t, o.err, "call %d", i) {
				continue
			}
			assert.Equal(t, []string{strings.Repeat("x", i) + strconv.Itoa(i)}, o.msgs, "call %d", i)
			assert.Equal(t, []string{strconv.Itoa(i)}, o.header["x-echo-call"], "call %d header", i)
			assert.Equal(t, []string{strconv.Itoa(i)}, o.trailer["x-echo-call"], "call %d trailer", i)
		}
	})
}
