package attacks

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// zeroWindowAttack is the attack of issue 10: SETTINGS_INITIAL_WINDOW_SIZE
// 0, then many server-streaming calls with large requests, and never a
// WINDOW_UPDATE. Every response the server makes can only queue.
type zeroWindowAttack struct {
	streams  int
	reqBytes int
	// quiet is how long the server may grant no window before the client
	// takes it as stuck for good.
	quiet time.Duration
	// ackPings: answer the server's PINGs at once and apply its later
	// SETTINGS_INITIAL_WINDOW_SIZE, so that its BDP estimation grows its
	// windows as fast as it can.
	ackPings bool
}

// zeroWindowOutcome is what the client saw.
type zeroWindowOutcome struct {
	sent, total int // request bytes sent, and meant to be sent
	started     int // streams whose response headers came: their handlers ran
	refused     int // streams refused (REFUSED_STREAM)
	reset       map[http2.ErrCode]int
	goAway      *frame
	// streamWindow is the largest stream window the server announced.
	streamWindow int64
}

// run opens the streams and sends their requests as far as the server's
// windows let it, answering nothing, until everything is sent or the
// server has granted nothing for a.quiet.
func (a zeroWindowAttack) run(t *testing.T, c *rawClient, h *heapGrowth) zeroWindowOutcome {
	t.Helper()
	settings := c.until("the server's SETTINGS", func(f frame) bool { return f.typ == http2.FrameSettings && !f.ack })
	streamWindow := int64(65535)
	for _, s := range settings.settings {
		if s.ID == http2.SettingInitialWindowSize {
			streamWindow = int64(s.Val)
		}
	}
	require.NoError(t, c.fr.WriteSettingsAck())
	word := strings.Repeat("a", 1023) + " "
	req := echoRequest(t, strings.Repeat(word, a.reqBytes/len(word)))
	out := zeroWindowOutcome{total: a.streams * len(req), reset: map[http2.ErrCode]int{}}
	type stream struct {
		id     uint32
		window int64
		off    int
		done   bool
	}
	streams := make([]*stream, a.streams)
	byID := map[uint32]*stream{}
	for i := range streams {
		streams[i] = &stream{id: c.open("ServerStreamingEcho", false), window: streamWindow}
		byID[streams[i].id] = streams[i]
	}
	connWindow := int64(65535)
	out.streamWindow = streamWindow
	handle := func(f frame) {
		switch f.typ {
		case http2.FramePing:
			if a.ackPings && !f.ack {
				require.NoError(t, c.fr.WritePing(true, f.ping))
			}
		case http2.FrameSettings:
			for _, s := range f.settings {
				if s.ID == http2.SettingInitialWindowSize && a.ackPings && !f.ack {
					for _, st := range streams {
						st.window += int64(s.Val) - streamWindow
					}
					streamWindow = int64(s.Val)
					out.streamWindow = max(out.streamWindow, streamWindow)
				}
			}
		case http2.FrameWindowUpdate:
			if f.stream == 0 {
				connWindow += int64(f.incr)
			} else if s := byID[f.stream]; s != nil {
				s.window += int64(f.incr)
			}
		case http2.FrameHeaders:
			if !f.endStream() {
				out.started++
			}
		case http2.FrameRSTStream:
			if s := byID[f.stream]; s != nil && !s.done {
				s.done = true
			}
			if f.code == http2.ErrCodeRefusedStream {
				out.refused++
			} else {
				out.reset[f.code]++
			}
		case http2.FrameGoAway:
			out.goAway = &f
		}
	}
	for {
		progress := false
		for _, s := range streams {
			if s.done || s.off == len(req) || s.window <= 0 || connWindow <= 0 {
				continue
			}
			n := min(int64(16384), s.window, connWindow, int64(len(req)-s.off))
			end := s.off+int(n) == len(req)
			require.NoError(t, c.fr.WriteData(s.id, end, req[s.off:s.off+int(n)]))
			s.off += int(n)
			out.sent += int(n)
			s.window -= n
			connWindow -= n
			progress = true
		}
		if out.goAway != nil {
			break
		}
		if progress {
			for drained := false; !drained; {
				select {
				case f := <-c.frames:
					handle(f)
				default:
					drained = true
				}
			}
			continue
		}
		if out.sent == out.total {
			break
		}
		select {
		case f := <-c.frames:
			require.NoError(t, f.readErr, "the server hung up")
			handle(f)
			continue
		case <-time.After(a.quiet):
		}
		break // stuck: the server grants no more
	}
	// Let the handlers that could run do what they will, sampling the heap
	// as they go.
	for range 3 {
		h.sample()
		for drained := false; !drained; {
			select {
			case f := <-c.frames:
				handle(f)
			case <-time.After(300 * time.Millisecond):
				drained = true
			}
		}
	}
	h.sample()
	t.Logf("sent %.1f of %.1f MiB; %d handlers started, %d refused, resets %v; stream window %.1f MiB",
		float64(out.sent)/mib, float64(out.total)/mib, out.started, out.refused, out.reset, float64(out.streamWindow)/mib)
	return out
}

// TestZeroWindow: a client that grants no window and sends 100 calls of
// 3.2 MiB each must not make the server hold them all: the connection's
// budget stops granting window and refuses streams, and what the server
// does hold stays under the bound.
func TestZeroWindow(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	out := zeroWindowAttack{streams: 100, reqBytes: 3200 << 10, quiet: time.Second}.run(t, c, h)
	h.requireBelow(t, 64*mib, "zero window, 100 calls of 3.2 MiB")
	require.Less(t, out.sent, out.total, "the server took every request: it granted window while over its budget")
	require.Positive(t, out.refused, "no stream was refused (REFUSED_STREAM) while the budget was spent")
}

// TestZeroWindowGrownWindows: the same attack from a client that answers
// the server's BDP PINGs at once, so that the server's windows grow as
// fast as its estimation lets them: they stop at the memory budget, and
// the budget still bounds what the server holds.
func TestZeroWindowGrownWindows(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	c := dial(t, addr, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	out := zeroWindowAttack{streams: 100, reqBytes: 3200 << 10, quiet: time.Second, ackPings: true}.run(t, c, h)
	h.requireBelow(t, 64*mib, "zero window, BDP PINGs answered, 100 calls of 3.2 MiB")
	require.LessOrEqual(t, out.streamWindow, int64(16*mib), "the stream window grew past the memory budget (16 MiB by default)")
	require.Less(t, out.sent, out.total, "the server took every request: it granted window while over its budget")
	require.Positive(t, out.refused, "no stream was refused (REFUSED_STREAM) while the budget was spent")
}
