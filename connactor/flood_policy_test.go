package connactor

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// The SETTINGS bucket's arithmetic, at chosen times.
func TestFloodPoliceSettings(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name string
		// at are the arrival times, as offsets from t0; the last one's
		// verdict is want, every earlier one must pass.
		at   []time.Duration
		want bool
	}{
		{name: "one", at: []time.Duration{0}},
		{name: "a full burst at once", at: repeat(settingsBurst, 0, 0)},
		{name: "one more than the burst at once", at: repeat(settingsBurst+1, 0, 0), want: true},
		{name: "the burst, then one after a refill", at: append(repeat(settingsBurst, 0, 0), settingsRefill)},
		{name: "the burst, then two after one refill", at: append(repeat(settingsBurst, 0, 0), settingsRefill, settingsRefill), want: true},
		{name: "one per refill for ever", at: repeat(10*settingsBurst, 0, settingsRefill)},
		// At twice the refill rate, frame i finds ceil(i/2) tokens spent:
		// frame 2*burst-1 is the first to find none left.
		{name: "twice the refill rate runs out", at: repeat(2*settingsBurst, 0, settingsRefill/2), want: true},
		{name: "twice the refill rate, one frame less", at: repeat(2*settingsBurst-1, 0, settingsRefill/2)},
		// The token at 1.5 refills counts from 1, not 1.5, so the next
		// refill is due at 2.
		{name: "the remainder of a refill is kept", at: append(repeat(settingsBurst, 0, 0), settingsRefill*3/2, 2*settingsRefill)},
		{name: "no token before a whole refill", at: append(repeat(settingsBurst, 0, 0), settingsRefill*3/2, settingsRefill*19/10), want: true},
		{name: "a quiet hour refills the bucket, no more", at: append(repeat(settingsBurst, 0, 0),
			append(repeat(settingsBurst, time.Hour, 0), time.Hour)...), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p floodPolice
			for i, d := range tt.at {
				got := p.onSettings(t0.Add(d))
				if i < len(tt.at)-1 {
					require.False(t, got, "frame %d at %v", i, d)
				} else {
					require.Equal(t, tt.want, got, "the last frame, at %v", d)
				}
			}
		})
	}
}

// repeat returns n offsets from start, step apart.
func repeat(n int, start, step time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = start + time.Duration(i)*step
	}
	return out
}

// The empty DATA count: consecutive frames with no data and no END_STREAM.
func TestFloodPoliceEmptyData(t *testing.T) {
	type frame struct {
		data int
		end  bool
	}
	empty := func(n int) []frame { return make([]frame, n) }
	tests := []struct {
		name   string
		frames []frame // the last one's verdict is want; every earlier one passes
		want   bool
	}{
		{name: "the limit", frames: empty(maxEmptyData)},
		{name: "one over the limit", frames: empty(maxEmptyData + 1), want: true},
		{name: "data in between starts again", frames: append(append(empty(maxEmptyData), frame{data: 1}), empty(maxEmptyData)...)},
		{name: "END_STREAM in between starts again", frames: append(append(empty(maxEmptyData), frame{end: true}), empty(maxEmptyData)...)},
		{name: "empty END_STREAM frames are no flood", frames: append(make([]frame, 0, 3*maxEmptyData), repeatFrame(frame{end: true}, 3*maxEmptyData)...)},
		{name: "data frames are no flood", frames: repeatFrame(frame{data: 5}, 3*maxEmptyData)},
		{name: "over the limit after data", frames: append([]frame{{data: 5}}, empty(maxEmptyData+1)...), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p floodPolice
			for i, f := range tt.frames {
				got := p.onData(f.data, f.end)
				if i < len(tt.frames)-1 {
					require.False(t, got, "frame %d", i)
				} else {
					require.Equal(t, tt.want, got, "the last frame")
				}
			}
		})
	}
}

func repeatFrame[F any](f F, n int) []F {
	out := make([]F, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// A peer that floods SETTINGS is told ENHANCE_YOUR_CALM, after the
// SETTINGS it was allowed were acknowledged.
func TestSettingsFloodGoAway(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	// acceptPeer's SETTINGS, read by the handshake, took no token.
	for range settingsBurst + 10 {
		if p.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 65535}) != nil {
			break // the server hung up
		}
	}
	var acks int
	f, _ := p.waitFor("GOAWAY", func(f rframe) bool {
		if f.typ == http2.FrameSettings && f.ack() {
			acks++
		}
		return f.typ == http2.FrameGoAway
	})
	require.Equal(t, http2.ErrCodeEnhanceYourCalm, f.code, "GOAWAY debug %q", f.debug)
	require.Contains(t, string(f.debug), "SETTINGS flood")
	require.Equal(t, settingsBurst, acks, "every SETTINGS within the burst is acknowledged")
	p.expectHangUp()
	waitConnDone(t, c)
}

// A peer that floods empty DATA frames on an open stream is told
// ENHANCE_YOUR_CALM; the stream's handler sees the connection end.
func TestEmptyDataFloodGoAway(t *testing.T) {
	ch := make(chan acceptedStream, 4)
	c, p := acceptPeer(t, serverConfig(ch))
	p.headers(1, false, requestHeaders("/svc/stream"))
	a := waitAccepted(t, ch)
	require.Equal(t, EventHeaders, nextEvent(t, a.s).Kind)
	for range maxEmptyData {
		p.data(1, false, nil)
	}
	p.data(1, false, []byte("x")) // data starts the count again
	for range maxEmptyData {
		p.data(1, false, nil)
	}
	p.pingBarrier()
	require.False(t, isClosed(c.GoingAway()), "the limit itself is tolerated")
	p.data(1, false, nil)
	f := p.expectGoAway(http2.ErrCodeEnhanceYourCalm)
	require.True(t, strings.HasPrefix(string(f.debug), "empty DATA flood"), "GOAWAY debug %q", f.debug)
	waitConnDone(t, c)
}
