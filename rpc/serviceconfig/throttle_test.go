package serviceconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestThrottleArithmetic walks maxTokens 10, tokenRatio 0.1 through A6's
// rules, with the token count computed by hand at each step. Retries are
// allowed while tokens > 5.
func TestThrottleArithmetic(t *testing.T) {
	th := NewThrottle(Throttling{MaxTokens: 10, TokenRatio: 0.1})
	assert.Equal(t, 10.0, th.Tokens(), "starts full")
	assert.True(t, th.RetryAllowed())

	for range 4 {
		th.RecordFailure()
	}
	assert.Equal(t, 6.0, th.Tokens())
	assert.True(t, th.RetryAllowed(), "6 > 5")

	th.RecordFailure()
	assert.Equal(t, 5.0, th.Tokens())
	assert.False(t, th.RetryAllowed(), "5 failures: 5 is not more than 5")

	th.RecordSuccess()
	assert.Equal(t, 5.1, th.Tokens())
	assert.True(t, th.RetryAllowed(), "one success: 5.1 > 5")

	// Drain to the floor: 5.1 - 20 stops at 0.
	for range 20 {
		th.RecordFailure()
	}
	assert.Equal(t, 0.0, th.Tokens(), "never below zero")
	assert.False(t, th.RetryAllowed())

	// 50 successes bring exactly 5.0 back, still at the threshold; the 51st
	// crosses it. (With float64 tokens, fifty 0.1s sum to just over 5 and
	// would allow retries one success early.)
	for range 50 {
		th.RecordSuccess()
	}
	assert.Equal(t, 5.0, th.Tokens())
	assert.False(t, th.RetryAllowed(), "50 successes from 0: exactly 5")
	th.RecordSuccess()
	assert.Equal(t, 5.1, th.Tokens())
	assert.True(t, th.RetryAllowed())

	// Climb past the top: 5.1 + 100*0.1 stops at 10.
	for range 100 {
		th.RecordSuccess()
	}
	assert.Equal(t, 10.0, th.Tokens(), "never above maxTokens")
}

func TestThrottleOddMaxTokens(t *testing.T) {
	// maxTokens 3: the threshold is 1.5, so 2 tokens allow retries and 1
	// does not.
	th := NewThrottle(Throttling{MaxTokens: 3, TokenRatio: 0.5})
	th.RecordFailure()
	assert.True(t, th.RetryAllowed(), "2 > 1.5")
	th.RecordFailure()
	assert.False(t, th.RetryAllowed(), "1 <= 1.5")
	th.RecordSuccess()
	assert.Equal(t, 1.5, th.Tokens())
	assert.False(t, th.RetryAllowed(), "1.5 is not more than 1.5")
	th.RecordSuccess()
	assert.True(t, th.RetryAllowed(), "2 > 1.5")
}

func TestThrottleLargeRatio(t *testing.T) {
	th := NewThrottle(Throttling{MaxTokens: 4, TokenRatio: 3})
	for range 4 {
		th.RecordFailure()
	}
	assert.Equal(t, 0.0, th.Tokens())
	th.RecordSuccess()
	assert.Equal(t, 3.0, th.Tokens())
	assert.True(t, th.RetryAllowed())
	th.RecordSuccess()
	assert.Equal(t, 4.0, th.Tokens(), "capped at maxTokens")
}

func TestThrottleNilAllowsEverything(t *testing.T) {
	var th *Throttle
	th.RecordFailure()
	th.RecordSuccess()
	assert.True(t, th.RetryAllowed())
	assert.Equal(t, 0.0, th.Tokens())
}

func TestThrottleInvalidMaxTokensNeverAllows(t *testing.T) {
	th := NewThrottle(Throttling{MaxTokens: 0, TokenRatio: 1})
	assert.False(t, th.RetryAllowed())
	th.RecordSuccess()
	assert.False(t, th.RetryAllowed())
}

func TestThrottleFromParse(t *testing.T) {
	c := mustParse(t, `{"retryThrottling": {"maxTokens": 2, "tokenRatio": 0.5}}`)
	th := NewThrottle(*c.RetryThrottling)
	th.RecordFailure()
	assert.False(t, th.RetryAllowed(), "1 <= 1")
	th.RecordSuccess()
	assert.True(t, th.RetryAllowed(), "1.5 > 1")
}
