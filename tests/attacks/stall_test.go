package attacks

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc"
)

// TestStreamStall: a call whose responses wait behind a window the client
// never grants is reset (CANCEL) once StreamStallTimeout has passed, and
// the connection, whose own window is open, keeps serving.
func TestStreamStall(t *testing.T) {
	addr := serve(t, rpc.StreamStallTimeout(300*time.Millisecond), rpc.ConnectionStallTimeout(-1))
	c := dial(t, addr, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	c.until("the server's SETTINGS", func(f frame) bool { return f.typ == http2.FrameSettings && !f.ack })
	require.NoError(t, c.fr.WriteSettingsAck())
	id := c.open("ServerStreamingEcho", false)
	require.NoError(t, c.fr.WriteData(id, true, echoRequest(t, "one two three")))
	began := time.Now()
	rst := c.until("RST_STREAM", func(f frame) bool { return f.typ == http2.FrameRSTStream && f.stream == id })
	require.Equal(t, http2.ErrCodeCancel, rst.code)
	require.GreaterOrEqual(t, time.Since(began), 300*time.Millisecond, "reset before the stall timeout")
	// The connection still serves a call whose window is open.
	require.NoError(t, c.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 65535}))
	id = c.open("UnaryEcho", false)
	require.NoError(t, c.fr.WriteData(id, true, echoRequest(t, "still there")))
	c.until("the unary response's trailers", func(f frame) bool {
		return f.typ == http2.FrameHeaders && f.stream == id && f.endStream()
	})
}

// TestConnectionStall: responses that wait behind a connection window the
// client spent and never grows end the connection with GOAWAY
// ENHANCE_YOUR_CALM after ConnectionStallTimeout.
func TestConnectionStall(t *testing.T) {
	addr := serve(t, rpc.StreamStallTimeout(-1), rpc.ConnectionStallTimeout(300*time.Millisecond))
	c := dial(t, addr)
	c.until("the server's SETTINGS", func(f frame) bool { return f.typ == http2.FrameSettings && !f.ack })
	require.NoError(t, c.fr.WriteSettingsAck())
	// 100 KiB of responses: more than the connection's initial 64 KiB.
	req := echoRequest(t, strings.Repeat(strings.Repeat("x", 1023)+" ", 100))
	id := c.open("ServerStreamingEcho", false)
	for off := 0; off < len(req); off += 16384 {
		end := min(off+16384, len(req))
		require.NoError(t, c.fr.WriteData(id, end == len(req), req[off:end]))
	}
	ga := c.goAway()
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, ga.code, "GOAWAY debug %q", ga.debug)
}

// TestSlowReaderIsNotStalled: a client that reads, but slowly (1 KiB of
// window per 25 ms on the stream and on the connection, so that both are
// spent nearly all the time), is no stall: its data moves. Neither stall
// bound may end the call or the connection, however many times over the
// bounds the call lasts; the call completes.
func TestSlowReaderIsNotStalled(t *testing.T) {
	addr := serve(t, rpc.StreamStallTimeout(200*time.Millisecond), rpc.ConnectionStallTimeout(200*time.Millisecond))
	c := dial(t, addr)
	c.ready()
	// 120 responses of 1 KiB: 64 KiB go at once, the rest at the
	// client's pace, about 1.4 s: seven times the bounds.
	req := echoRequest(t, strings.Repeat(strings.Repeat("x", 1023)+" ", 120))
	id := c.open("ServerStreamingEcho", false)
	for off := 0; off < len(req); off += 16384 {
		end := min(off+16384, len(req))
		require.NoError(t, c.fr.WriteData(id, end == len(req), req[off:end]))
	}
	ticker := time.NewTicker(25 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case f := <-c.frames:
			require.NoError(t, f.readErr, "the server hung up")
			require.NotEqual(t, http2.FrameGoAway, f.typ, "GOAWAY %v %q: a slow reader was taken for a stalled one", f.code, f.debug)
			require.NotEqual(t, http2.FrameRSTStream, f.typ, "RST_STREAM %v: a slow reader was taken for a stalled one", f.code)
			if f.typ == http2.FrameHeaders && f.stream == id && f.endStream() {
				require.Contains(t, f.fields, hpack.HeaderField{Name: "grpc-status", Value: "0"})
				return
			}
		case <-ticker.C:
			require.NoError(t, c.fr.WriteWindowUpdate(0, 1024))
			require.NoError(t, c.fr.WriteWindowUpdate(id, 1024))
		}
	}
}
