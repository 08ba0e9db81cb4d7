package connactor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// bdpStep is one event fed to the estimator: DATA of n bytes, or (ack)
// the ACK of its PING, each at a time in microseconds from the start.
type bdpStep struct {
	at   int // µs
	data uint32
	ack  bool
	// what the step must answer
	ping   bool   // DATA: a PING goes out
	window uint32 // ACK: the estimate grew to this (0: it did not)
}

func TestBDPEstimator(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name         string
		start, limit uint32
		steps        []bdpStep
		final        uint32
	}{{
		name:  "the first DATA pings, the rest add to the sample until the ACK",
		start: 64 << 10, limit: bdpLimit,
		steps: []bdpStep{
			{at: 0, data: 16 << 10, ping: true},
			{at: 10, data: 16 << 10},
			{at: 20, data: 16 << 10},
			{at: 100, ack: true, window: 96 << 10}, // 48 KiB ≥ 2/3 of 64 KiB: twice the sample
			{at: 110, data: 16 << 10, ping: true},  // the next round
		},
		final: 96 << 10,
	}, {
		name:  "a sample under 2/3 of the estimate does not grow it",
		start: mib, limit: bdpLimit,
		steps: []bdpStep{
			{at: 0, data: 16 << 10, ping: true},
			{at: 10, data: 500 << 10},
			{at: 100, ack: true},
			{at: 200, data: 16 << 10},                  // quiet for 10 ms after a round that did not grow
			{at: 10100, data: 16 << 10, ping: true},    // then the next round
			{at: 10200, ack: true},                     // no growth again: 20 ms of quiet
			{at: 30100, data: 16 << 10},                // still quiet
			{at: 30200, data: 16 << 10, ping: true},    // the next round
			{at: 30300, data: 700 << 10},               // ≥ 2/3 of 1 MiB
			{at: 30400, ack: true, window: 1432 << 10}, // grew: no quiet
			{at: 30400, data: 16 << 10, ping: true},
		},
		final: 1432 << 10,
	}, {
		name:  "a big sample at a lower bandwidth than seen does not grow it",
		start: 64 << 10, limit: bdpLimit,
		steps: []bdpStep{
			{at: 0, data: 64 << 10, ping: true},
			{at: 100, ack: true, window: 128 << 10}, // 64 KiB in 100 µs
			{at: 200, data: 128 << 10, ping: true},
			{at: 10200, ack: true}, // twice the bytes in a hundred times the time
		},
		final: 128 << 10,
	}, {
		name:  "growth stops at the limit, and so do the PINGs",
		start: mib, limit: 4 * mib,
		steps: []bdpStep{
			{at: 0, data: 3 * mib, ping: true},
			{at: 100, ack: true, window: 4 * mib}, // 6 MiB, capped
			{at: 200, data: 16 << 10},             // at the limit: no PING
		},
		final: 4 * mib,
	}, {
		name:  "a start at or over the limit never pings",
		start: 4 * mib, limit: mib,
		steps: []bdpStep{{at: 0, data: 16 << 10}},
		final: 4 * mib,
	}, {
		name:  "an ACK nobody asked for is ignored",
		start: 64 << 10, limit: bdpLimit,
		steps: []bdpStep{
			{at: 0, ack: true},
			{at: 10, data: 64 << 10, ping: true},
			{at: 20, ack: true, window: 128 << 10},
			{at: 30, ack: true}, // a second ACK of the same PING
		},
		final: 128 << 10,
	}, {
		name:  "the estimate grows round after round while the path keeps up",
		start: 64 << 10, limit: bdpLimit,
		steps: []bdpStep{
			{at: 0, data: 64 << 10, ping: true},
			{at: 100, ack: true, window: 128 << 10},
			{at: 100, data: 128 << 10, ping: true},
			{at: 200, ack: true, window: 256 << 10},
			{at: 200, data: 256 << 10, ping: true},
			{at: 300, ack: true, window: 512 << 10},
		},
		final: 512 << 10,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBDPEstimator(tc.start, tc.limit)
			t0 := time.Unix(1000, 0)
			for i, s := range tc.steps {
				now := t0.Add(time.Duration(s.at) * time.Microsecond)
				if s.ack {
					w, grew := b.onAck(now)
					require.Equal(t, s.window != 0, grew, "step %d: grew", i)
					require.Equal(t, s.window, w, "step %d: window", i)
					continue
				}
				require.Equal(t, s.ping, b.onData(s.data, now), "step %d: ping", i)
			}
			require.Equal(t, tc.final, b.estimate)
		})
	}
}

func TestNewConnBDPLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		off   bool
		limit uint32
	}{
		{name: "client: grpc-go's cap", cfg: Config{Role: RoleClient}, limit: bdpLimit},
		{name: "server: the default budget", cfg: Config{Role: RoleServer}, limit: min(bdpLimit, DefaultMemoryBudget)},
		{name: "server: a smaller budget caps the windows", cfg: Config{Role: RoleServer, MemoryBudget: 6 << 20}, limit: 6 << 20},
		{name: "server: no budget", cfg: Config{Role: RoleServer, MemoryBudget: -1}, limit: bdpLimit},
		{name: "server: a budget under the configured window keeps it", cfg: Config{Role: RoleServer, MemoryBudget: 512 << 10}, limit: 1 << 20},
		{name: "static windows", cfg: Config{Role: RoleClient, StaticWindows: true}, off: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newConnBDP(tc.cfg.withDefaults())
			if tc.off {
				require.Nil(t, b)
				return
			}
			require.Equal(t, tc.limit, b.limit)
		})
	}
}

// bdpRound drives one BDP round trip from the peer's side on stream id:
// DATA of 65535 bytes in four frames, the first of which draws the
// Conn's BDP PING, then the PING's ACK. It returns the frames the Conn
// sent up to the barrier after the ACK.
func bdpRound(t *testing.T, p *peer, id uint32, pinged bool) []rframe {
	t.Helper()
	p.data(id, false, make([]byte, 16384))
	if pinged {
		p.waitFor("the BDP PING", func(f rframe) bool { return f.typ == http2.FramePing && !f.ack() && f.ping == bdpPing })
	}
	for range 2 {
		p.data(id, false, make([]byte, 16384))
	}
	p.data(id, false, make([]byte, 16383))
	if pinged {
		require.NoError(t, p.fr.WritePing(true, bdpPing))
	}
	return p.pingBarrier()
}

// TestBDPGrowsWindows: a sample that fills the windows grows both, to
// twice the sample: a SETTINGS_INITIAL_WINDOW_SIZE for the streams (the
// open one's window moves by the difference at once) and a connection
// WINDOW_UPDATE. The peer may then send twice as much without anything
// consumed.
func TestBDPGrowsWindows(t *testing.T) {
	c, p := dialPeer(t, Config{StreamWindow: defaultWindow, ConnWindow: defaultWindow})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/large"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	sent := bdpRound(t, p, s.ID, true)

	const grown = 2 * defaultWindow
	var settings []http2.Setting
	var connGrant uint32
	for _, f := range sent {
		switch {
		case f.typ == http2.FrameSettings && !f.ack():
			settings = append(settings, f.settings...)
		case f.typ == http2.FrameWindowUpdate && f.stream == 0:
			connGrant += f.incr
		case f.typ == http2.FrameWindowUpdate, f.typ == http2.FrameRSTStream, f.typ == http2.FrameGoAway:
			t.Fatalf("unexpected %v", f)
		}
	}
	require.Equal(t, []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: grown}}, settings)
	require.Equal(t, uint32(grown-defaultWindow), connGrant)

	// The grown windows take another 65535 bytes with nothing consumed
	// (a PING now would only measure a sample under 2/3 of the estimate).
	require.NoError(t, p.fr.WriteSettingsAck())
	after := bdpRound(t, p, s.ID, false)
	for _, f := range after {
		require.NotContains(t, []http2.FrameType{http2.FrameRSTStream, http2.FrameGoAway}, f.typ, "unexpected %v", f)
	}
	require.Equal(t, EventHeaders, nextEvent(t, s).Kind)
	for got := 0; got < grown; {
		ev := nextEvent(t, s)
		require.Equal(t, EventData, ev.Kind)
		got += len(ev.Data)
	}
}

// TestStaticWindowsStayPut: with StaticWindows the same transfer draws
// no PING, no SETTINGS and no grant: the windows are what was set.
func TestStaticWindowsStayPut(t *testing.T) {
	c, p := dialPeer(t, Config{StreamWindow: defaultWindow, ConnWindow: 2 * defaultWindow, StaticWindows: true})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/large"), EndStream: true})
	p.waitHeaders(s.ID)
	p.headers(s.ID, false, responseHeaders)
	for _, f := range bdpRound(t, p, s.ID, false) {
		require.NotContains(t, []http2.FrameType{http2.FramePing, http2.FrameSettings, http2.FrameWindowUpdate, http2.FrameRSTStream}, f.typ, "unexpected %v", f)
	}
	// One byte more than the stream's window is a stream error.
	p.data(s.ID, false, []byte{0})
	require.Equal(t, http2.ErrCodeFlowControl, p.waitRST(s.ID).code)
}
