package attacks

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// slowReaderAttack: many server-streaming calls, each of which the server
// answers with megabytes of small messages, and a client that reads them,
// but slowly: it grants the connection a few KiB of window on a ticker,
// and each stream what it received. The responses the handlers make can
// only queue; the writer's queue, the handlers' send pipes and the
// connection's memory budget must bound what waits.
type slowReaderAttack struct {
	streams int
	// reqBytes is each request's size. The echo service answers each word
	// with one message; the words here are 1023 letters, so the responses
	// come to about the request's size, in messages of 1 KiB. (Shorter
	// words would make more, smaller messages, but the echo handler keeps
	// a 16-byte string header per word while it answers: with one-letter
	// words that is 8 times the request, the application's memory, which no
	// transport budget sees.)
	reqBytes int
	grant    uint32        // connection window granted per tick
	tick     time.Duration // how often
	ticks    int           // how many ticks the client reads for
}

// slowReaderOutcome is what the client saw.
type slowReaderOutcome struct {
	reqSent  int // request bytes sent
	started  int // streams whose response headers came: their handlers ran
	finished int // streams the server ended (trailers)
	received int // response DATA bytes read
	granted  int // connection window granted by the ticker
	refused  int // streams refused (REFUSED_STREAM)
	reset    map[http2.ErrCode]int
	goAway   *frame
}

// run opens the calls, sends their requests as the server's windows let
// it, and reads the responses at the ticker's pace for a.ticks ticks,
// sampling the heap as it goes.
func (a slowReaderAttack) run(t *testing.T, c *rawClient, h *heapGrowth) slowReaderOutcome {
	t.Helper()
	settings := c.until("the server's SETTINGS", func(f frame) bool { return f.typ == http2.FrameSettings && !f.ack })
	sendWindow := int64(65535) // the server's window for our requests, per stream
	for _, s := range settings.settings {
		if s.ID == http2.SettingInitialWindowSize {
			sendWindow = int64(s.Val)
		}
	}
	require.NoError(t, c.fr.WriteSettingsAck())
	word := strings.Repeat("a", 1023) + " "
	req := echoRequest(t, strings.Repeat(word, a.reqBytes/len(word)))
	out := slowReaderOutcome{reset: map[http2.ErrCode]int{}}
	type stream struct {
		id     uint32
		window int64 // what the server lets us send
		off    int   // request bytes sent
		unread uint32
		done   bool
	}
	streams := make([]*stream, a.streams)
	byID := map[uint32]*stream{}
	for i := range streams {
		streams[i] = &stream{id: c.open("ServerStreamingEcho", false), window: sendWindow}
		byID[streams[i].id] = streams[i]
	}
	connWindow := int64(65535)
	handle := func(f frame) {
		require.NoError(t, f.readErr, "the server hung up (GOAWAY %+v)", out.goAway)
		s := byID[f.stream]
		switch f.typ {
		case http2.FrameWindowUpdate:
			if f.stream == 0 {
				connWindow += int64(f.incr)
			} else if s != nil {
				s.window += int64(f.incr)
			}
		case http2.FrameHeaders:
			if f.endStream() {
				out.finished++
			} else {
				out.started++
			}
		case http2.FrameData:
			out.received += f.length
			if s != nil {
				s.unread += uint32(f.length)
			}
		case http2.FrameRSTStream:
			if s != nil {
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
	// sendRequests sends what the windows allow, 16 KiB per stream a turn.
	sendRequests := func() {
		for progress := true; progress; {
			progress = false
			for _, s := range streams {
				if s.done || s.off == len(req) || s.window <= 0 || connWindow <= 0 {
					continue
				}
				n := min(int64(16384), s.window, connWindow, int64(len(req)-s.off))
				end := s.off+int(n) == len(req)
				require.NoError(t, c.fr.WriteData(s.id, end, req[s.off:s.off+int(n)]))
				s.off += int(n)
				out.reqSent += int(n)
				s.window -= n
				connWindow -= n
				progress = true
			}
		}
	}
	ticker := time.NewTicker(a.tick)
	defer ticker.Stop()
	for tick := 0; tick < a.ticks; {
		sendRequests()
		select {
		case f := <-c.frames:
			handle(f)
		case <-ticker.C:
			tick++
			// The client read a little: the connection gets a.grant, each
			// stream what it received.
			require.NoError(t, c.fr.WriteWindowUpdate(0, a.grant))
			out.granted += int(a.grant)
			for _, s := range streams {
				if s.unread > 0 && !s.done {
					require.NoError(t, c.fr.WriteWindowUpdate(s.id, s.unread))
				}
				s.unread = 0
			}
			if tick%10 == 0 {
				h.sample()
			}
		}
	}
	h.sample()
	t.Logf("sent %.1f MiB of requests; %d handlers started, %d finished, %d refused, resets %v; read %.0f KiB of responses (%.0f KiB granted)",
		float64(out.reqSent)/mib, out.started, out.finished, out.refused, out.reset, float64(out.received)/1024, float64(out.granted)/1024)
	return out
}

// TestSlowReader: 50 server-streaming calls of about 3 MiB of responses
// each, in messages of 1 KiB, read at 4 KiB per 20 ms. The server holds what its budget allows:
// requests being answered plus responses waiting for window, under the
// bound; the streams whose requests the budget kept out are shed (refused,
// so the client may retry them). The reader is slow, not stalled: its data
// moves, so no stall bound applies and the connection keeps serving.
func TestSlowReader(t *testing.T) {
	addr := serve(t)
	c := dial(t, addr)
	// The baseline is taken after dialling: the raw client's queue of
	// frames (7.5 MiB) is the test's, not the server's.
	h := newHeapGrowth()
	out := slowReaderAttack{streams: 50, reqBytes: 3 << 20, grant: 4 << 10, tick: 20 * time.Millisecond, ticks: 250}.run(t, c, h)
	h.requireBelow(t, 64*mib, "slow reader, 50 calls of 3 MiB")
	require.Nil(t, out.goAway, "the connection was ended")
	require.Positive(t, out.started, "no handler ran")
	require.Positive(t, out.received, "nothing was sent to a reader that reads")
	c.ping([8]byte{'s', 'l', 'o', 'w'}) // and the connection still serves
}
