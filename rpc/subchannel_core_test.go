package rpc

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// TestSubchannelStateMachine walks every (state, event) pair.
func TestSubchannelStateMachine(t *testing.T) {
	const (
		idle  = connectivity.Idle
		conn  = connectivity.Connecting
		ready = connectivity.Ready
		tf    = connectivity.TransientFailure
		shut  = connectivity.Shutdown
	)
	// want[state][event]; the state itself where the event does not apply.
	want := map[connectivity.State][6]connectivity.State{
		//     connect connected dialFailed backoffOver goingAway shutdown
		idle:  {conn, idle, idle, idle, idle, shut},
		conn:  {conn, ready, tf, conn, conn, shut},
		ready: {ready, ready, ready, ready, idle, shut},
		tf:    {tf, tf, tf, idle, tf, shut},
		shut:  {shut, shut, shut, shut, shut, shut},
	}
	for from, row := range want {
		for e := scConnect; e <= scShutdown; e++ {
			t.Run(fmt.Sprintf("%s/%s", from, e), func(t *testing.T) {
				next, ok := scNext(from, e)
				assert.Equal(t, row[e], next)
				assert.Equal(t, next != from, ok, "ok says whether the event moved the state")
			})
		}
	}
}

// TestAttemptScheduleFollowsTheSpec: connection-backoff.md, without jitter
// so that every figure is exact: INITIAL_BACKOFF 1 s, MULTIPLIER 1.6,
// MAX_BACKOFF 120 s, each attempt bounded by max(backoff,
// MIN_CONNECT_TIMEOUT 20 s).
func TestAttemptScheduleFollowsTheSpec(t *testing.T) {
	cp := ConnectParams{Backoff: backoff.DefaultConfig, MinConnectTimeout: 20 * time.Second}
	cp.Backoff.Jitter = 0
	cases := []struct {
		failures int
		backoff  float64 // seconds
		timeout  float64
	}{
		{0, 1, 20},
		{1, 1.6, 20},
		{2, 2.56, 20},
		{3, 4.096, 20},
		{6, 16.777216, 20},
		{7, 26.8435456, 26.8435456},
		{10, 109.95116277760006, 109.95116277760006},
		{11, 120, 120},
		{50, 120, 120},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.failures), func(t *testing.T) {
			s := scheduleAttempt(cp, tc.failures)
			assert.InDelta(t, tc.backoff, s.backoff.Seconds(), 1e-6)
			assert.InDelta(t, tc.timeout, s.timeout.Seconds(), 1e-6)
		})
	}
}

// TestAttemptScheduleJitter: with the spec's JITTER 0.2 the first backoff
// is still exactly INITIAL_BACKOFF, later ones within ±20%, and the
// attempt's bound follows the same draw as the wait.
func TestAttemptScheduleJitter(t *testing.T) {
	cp := ConnectParams{Backoff: backoff.DefaultConfig, MinConnectTimeout: 20 * time.Second}
	assert.Equal(t, time.Second, scheduleAttempt(cp, 0).backoff)
	for failures := 1; failures <= 15; failures++ {
		base := math.Min(math.Pow(1.6, float64(failures)), 120)
		for range 200 {
			s := scheduleAttempt(cp, failures)
			assert.GreaterOrEqual(t, s.backoff.Seconds(), 0.8*base-1e-9)
			assert.LessOrEqual(t, s.backoff.Seconds(), 1.2*base+1e-9)
			assert.Equal(t, max(s.backoff, 20*time.Second), s.timeout)
		}
	}
}

// TestWaitAfterFailure: the wait runs to the attempt's start plus its
// backoff, so a slow failure waits less, and one slower than the backoff
// not at all.
func TestWaitAfterFailure(t *testing.T) {
	s := attemptSchedule{backoff: 1600 * time.Millisecond, timeout: 20 * time.Second}
	cases := []struct{ elapsed, want time.Duration }{
		{0, 1600 * time.Millisecond},
		{100 * time.Millisecond, 1500 * time.Millisecond},
		{1600 * time.Millisecond, 0},
		{20 * time.Second, 0}, // the attempt timed out
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, s.waitAfterFailure(tc.elapsed), "elapsed %v", tc.elapsed)
	}
}

// TestCalmedKeepalive: only the peer's GOAWAY for too many pings doubles
// the keepalive time of the next connections (A8).
func TestCalmedKeepalive(t *testing.T) {
	tooMany := connactor.GoAway{Code: http2.ErrCodeEnhanceYourCalm, Debug: "too_many_pings"}
	ka := keepalive.ClientParameters{Time: 10 * time.Second, Timeout: time.Second}
	cases := []struct {
		name     string
		ka       keepalive.ClientParameters
		ga       connactor.GoAway
		fromPeer bool
		want     time.Duration
	}{
		{"too many pings", ka, tooMany, true, 20 * time.Second},
		{"not the peer's GOAWAY", ka, tooMany, false, 10 * time.Second},
		{"a plain GOAWAY", ka, connactor.GoAway{Code: http2.ErrCodeNo}, true, 10 * time.Second},
		{"calm without the debug text", ka, connactor.GoAway{Code: http2.ErrCodeEnhanceYourCalm}, true, 10 * time.Second},
		{"keepalive off", keepalive.ClientParameters{}, tooMany, true, 0},
		{"no overflow", keepalive.ClientParameters{Time: math.MaxInt64/2 + 1}, tooMany, true, math.MaxInt64/2 + 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := calmedKeepalive(tc.ka, tc.ga, tc.fromPeer)
			assert.Equal(t, tc.want, got.Time)
			assert.Equal(t, tc.ka.Timeout, got.Timeout)
		})
	}
}

// TestHealthView: what a connected subchannel reports, with and without
// client-side health checking (A17).
func TestHealthView(t *testing.T) {
	sick := errors.New("health says NOT_SERVING")
	cases := []struct {
		name     string
		checking bool
		last     *healthReport
		want     scView
	}{
		{"no checking", false, nil, scView{state: connectivity.Ready, withConn: true}},
		{"no checking ignores a report", false, &healthReport{state: connectivity.TransientFailure, err: sick}, scView{state: connectivity.Ready, withConn: true}},
		{"checking, no word yet", true, nil, scView{state: connectivity.Connecting}},
		{"serving", true, &healthReport{state: connectivity.Ready}, scView{state: connectivity.Ready, withConn: true}},
		{"not serving", true, &healthReport{state: connectivity.TransientFailure, err: sick}, scView{state: connectivity.TransientFailure, err: sick}},
		{"no health service", true, &healthReport{unimplemented: true}, scView{state: connectivity.Ready, withConn: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, healthView(tc.checking, tc.last))
		})
	}
}
