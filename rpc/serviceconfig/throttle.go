package serviceconfig

import "math"

// milli is the fixed-point scale of the throttle's token arithmetic. A6
// gives tokenRatio up to 3 decimal places, so counting thousandths of a
// token keeps every sum exact where float64 would drift (fifty additions of
// 0.1 is not 5.0 in floating point, and the threshold test is exact).
const milli = 1000

// Throttling is the retryThrottling section of the service config.
type Throttling struct {
	// MaxTokens is the size of the token bucket, in (0, 1000].
	MaxTokens int
	// TokenRatio is the tokens a successful call gives back, greater than 0
	// and with at most 3 decimal places (Parse truncates any beyond).
	TokenRatio float64
}

// Throttle is A6's retry throttle: a token bucket per channel that stops
// retries (not first attempts) while too many calls fail, so that retries
// cannot multiply the load on a server that is already struggling.
//
// It starts full. Each failure that counts for throttling (a retryable
// status, or pushback saying not to retry) takes one token, each success
// gives back TokenRatio, and retries are allowed while the bucket holds more
// than half of MaxTokens.
//
// A Throttle is not safe for concurrent use: it belongs to the channel
// actor, which records every call's outcome and answers whether a retry is
// allowed in its own loop. A nil *Throttle stands for "no throttling":
// it records nothing and always allows retries.
type Throttle struct {
	maxTokens int64 // in thousandths of a token
	ratio     int64 // in thousandths of a token
	tokens    int64 // in thousandths of a token, in [0, maxTokens]
}

// NewThrottle returns a full throttle for t. t should come from Parse,
// which validates it; a TokenRatio with more than 3 decimal places is
// rounded to 3, and a MaxTokens of 0 or less never allows a retry.
func NewThrottle(t Throttling) *Throttle {
	maxTokens := max(int64(t.MaxTokens), 0) * milli
	return &Throttle{
		maxTokens: maxTokens,
		ratio:     int64(math.Round(t.TokenRatio * milli)),
		tokens:    maxTokens,
	}
}

// RecordFailure takes one token for a call that failed in a way that counts
// for throttling. The count does not go below zero.
func (t *Throttle) RecordFailure() {
	if t == nil {
		return
	}
	t.tokens = max(t.tokens-milli, 0)
}

// RecordSuccess gives back TokenRatio tokens for a successful call. The
// count does not go above MaxTokens.
func (t *Throttle) RecordSuccess() {
	if t == nil {
		return
	}
	t.tokens = min(t.tokens+t.ratio, t.maxTokens)
}

// RetryAllowed reports whether a retry may be sent now: the tokens must be
// strictly more than half of MaxTokens.
func (t *Throttle) RetryAllowed() bool {
	return t == nil || 2*t.tokens > t.maxTokens
}

// Tokens returns the current token count, for introspection and logs.
func (t *Throttle) Tokens() float64 {
	if t == nil {
		return 0
	}
	return float64(t.tokens) / milli
}
