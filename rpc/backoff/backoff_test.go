package backoff

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const samples = 10000

func TestDefaultConfigMatchesSpec(t *testing.T) {
	assert.Equal(t, Config{
		BaseDelay:  time.Second,
		Multiplier: 1.6,
		Jitter:     0.2,
		MaxDelay:   120 * time.Second,
	}, DefaultConfig)
}

func TestDelayFirstRetryIsBaseDelay(t *testing.T) {
	for range 100 {
		assert.Equal(t, time.Second, DefaultConfig.Delay(0))
		assert.Equal(t, time.Second, DefaultConfig.Delay(-3))
	}
}

// TestDelayBounds checks, for each retry count, that every sample lies in
// [d*(1-jitter), d*(1+jitter)) and that the samples really spread over both
// sides of d (so jitter is applied in both directions).
func TestDelayBounds(t *testing.T) {
	c := DefaultConfig
	for retries := 1; retries <= 12; retries++ {
		want := math.Min(float64(c.BaseDelay)*math.Pow(c.Multiplier, float64(retries)), float64(c.MaxDelay))
		lo, hi := want*(1-c.Jitter), want*(1+c.Jitter)
		minSeen, maxSeen := math.Inf(1), math.Inf(-1)
		for range samples {
			d := float64(c.Delay(retries))
			require.GreaterOrEqual(t, d, math.Floor(lo), "retries=%d", retries)
			require.LessOrEqual(t, d, math.Ceil(hi), "retries=%d", retries)
			minSeen, maxSeen = math.Min(minSeen, d), math.Max(maxSeen, d)
		}
		assert.Less(t, minSeen, want*(1-c.Jitter/2), "retries=%d: no sample in the lower quarter", retries)
		assert.Greater(t, maxSeen, want*(1+c.Jitter/2), "retries=%d: no sample in the upper quarter", retries)
	}
}

func TestDelayCap(t *testing.T) {
	c := DefaultConfig
	// 1.6^11 s is about 176 s, already past the 120 s cap.
	for _, retries := range []int{11, 20, 100, 10000, math.MaxInt} {
		for range samples / 10 {
			d := c.Delay(retries)
			require.GreaterOrEqual(t, d, 96*time.Second, "retries=%d", retries)
			require.Less(t, d, 144*time.Second, "retries=%d", retries)
		}
	}
}

func TestDelayZeroJitterIsExact(t *testing.T) {
	c := Config{BaseDelay: time.Second, Multiplier: 2, MaxDelay: 100 * time.Second}
	want := []time.Duration{
		time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, 64 * time.Second, 100 * time.Second, 100 * time.Second,
	}
	for retries, w := range want {
		assert.Equal(t, w, c.Delay(retries), "retries=%d", retries)
	}

	c = Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.5, MaxDelay: time.Minute}
	assert.Equal(t, 150*time.Millisecond, c.Delay(1))
	assert.Equal(t, 225*time.Millisecond, c.Delay(2))
}

func TestDelayNeverNegative(t *testing.T) {
	c := Config{BaseDelay: time.Second, Multiplier: 2, Jitter: 3, MaxDelay: time.Minute}
	sawZero := false
	for range samples {
		d := c.Delay(3)
		require.GreaterOrEqual(t, d, time.Duration(0))
		sawZero = sawZero || d == 0
	}
	assert.True(t, sawZero, "a jitter of 3 should push some delays below zero, clamped to 0")
}

func TestDelayHugeValuesDoNotOverflow(t *testing.T) {
	c := Config{BaseDelay: time.Second, Multiplier: 10, Jitter: 0.5, MaxDelay: math.MaxInt64}
	for range 1000 {
		require.GreaterOrEqual(t, c.Delay(1000), time.Duration(0))
	}
	assert.Equal(t, time.Duration(math.MaxInt64), toDuration(math.Inf(1)))
	assert.Equal(t, time.Duration(0), toDuration(math.NaN()))
	assert.Equal(t, time.Duration(0), toDuration(-5))
}

// TestDelayConcurrent lets the race detector confirm that Delay is safe to
// call from many actors at once.
func TestDelayConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for r := range 1000 {
				_ = DefaultConfig.Delay(r % 15)
			}
		})
	}
	wg.Wait()
}
