package serviceconfig

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

func TestRetryable(t *testing.T) {
	p := &RetryPolicy{RetryableStatusCodes: map[codes.Code]bool{codes.Unavailable: true, codes.Aborted: true}}
	assert.True(t, p.Retryable(codes.Unavailable))
	assert.True(t, p.Retryable(codes.Aborted))
	assert.False(t, p.Retryable(codes.OK))
	assert.False(t, p.Retryable(codes.Internal))
	assert.False(t, p.Retryable(codes.Code(99)))
	assert.False(t, (*RetryPolicy)(nil).Retryable(codes.Unavailable))
}

// TestBackoffRanges checks A6's bounds: retry n waits in
// [0, min(initial*multiplier^(n-1), max)), spread over the whole range.
func TestBackoffRanges(t *testing.T) {
	p := &RetryPolicy{InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, BackoffMultiplier: 2}
	bounds := map[int]time.Duration{
		1: 100 * time.Millisecond,
		2: 200 * time.Millisecond,
		3: 400 * time.Millisecond,
		4: 800 * time.Millisecond,
		5: time.Second, // 1.6 s capped
		9: time.Second,
	}
	const samples = 5000
	for retry, bound := range bounds {
		lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
		for range samples {
			d := p.Backoff(retry)
			require.GreaterOrEqual(t, d, time.Duration(0), "retry %d", retry)
			require.Less(t, d, bound, "retry %d", retry)
			lo, hi = min(lo, d), max(hi, d)
		}
		assert.Less(t, lo, bound/10, "retry %d: nothing near 0", retry)
		assert.Greater(t, hi, bound*9/10, "retry %d: nothing near the bound", retry)
	}
}

func TestBackoffEdgeCases(t *testing.T) {
	p := &RetryPolicy{InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, BackoffMultiplier: 2}
	for range 1000 {
		require.Less(t, p.Backoff(0), 100*time.Millisecond, "retry 0 is treated as 1")
		require.Less(t, p.Backoff(-5), 100*time.Millisecond)
		require.Less(t, p.Backoff(math.MaxInt), time.Second, "huge retry counts stay capped")
	}
	tiny := &RetryPolicy{InitialBackoff: 1, MaxBackoff: 1, BackoffMultiplier: 1}
	assert.Equal(t, time.Duration(0), tiny.Backoff(1), "[0, 1ns) holds only 0")
	shrinking := &RetryPolicy{InitialBackoff: time.Second, MaxBackoff: time.Second, BackoffMultiplier: 0.5}
	for range 1000 {
		require.Less(t, shrinking.Backoff(3), 250*time.Millisecond)
	}
}

// TestBackoffConcurrent lets the race detector confirm that calls of one
// method may compute their backoffs at the same time.
func TestBackoffConcurrent(t *testing.T) {
	p := &RetryPolicy{InitialBackoff: time.Millisecond, MaxBackoff: time.Second, BackoffMultiplier: 1.5}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 1000 {
				_ = p.Backoff(i%6 + 1)
			}
		})
	}
	wg.Wait()
}
