package backoff

import (
	"math"
	"math/rand/v2"
	"time"
)

// Config holds the parameters of exponential backoff with jitter.
type Config struct {
	// BaseDelay is the wait after the first failure (the spec's
	// INITIAL_BACKOFF).
	BaseDelay time.Duration
	// Multiplier is the factor by which the wait grows after each further
	// failure.
	Multiplier float64
	// Jitter is the fraction by which a delay is randomised up or down:
	// 0.2 gives a delay uniformly in [0.8 d, 1.2 d).
	Jitter float64
	// MaxDelay caps the exponential growth before jitter is applied, so a
	// server down for hours is still probed every couple of minutes.
	MaxDelay time.Duration
}

// DefaultConfig holds the connection backoff spec's parameters
// (INITIAL_BACKOFF 1 s, MULTIPLIER 1.6, JITTER 0.2, MAX_BACKOFF 120 s), the
// same grpc-go and grpc-java use, so our clients back off like theirs. The
// spec's other figure, MIN_CONNECT_TIMEOUT of 20 s, bounds a connection
// attempt, not the wait between attempts, so it is not part of Config.
var DefaultConfig = Config{
	BaseDelay:  time.Second,
	Multiplier: 1.6,
	Jitter:     0.2,
	MaxDelay:   120 * time.Second,
}

// Delay returns how long to wait before the next attempt after retries
// failed attempts have already been followed by a wait.
//
// retries == 0 (or less) gives BaseDelay exactly, so the first reconnect is
// predictable. After that the delay is BaseDelay*Multiplier^retries, capped
// at MaxDelay, then scaled by a factor drawn uniformly from
// [1-Jitter, 1+Jitter). The result is never negative, even when Jitter is
// above 1.
//
// It draws from math/rand/v2's top-level source, which is safe for
// concurrent use, so any number of actors may call Delay at once.
func (c Config) Delay(retries int) time.Duration {
	if retries <= 0 {
		return c.BaseDelay
	}
	backoff := float64(c.BaseDelay) * math.Pow(c.Multiplier, float64(retries))
	if limit := float64(c.MaxDelay); backoff > limit || math.IsNaN(backoff) {
		backoff = limit
	}
	backoff *= 1 + c.Jitter*(rand.Float64()*2-1)
	return toDuration(backoff)
}

// toDuration converts nanoseconds held in a float64 to a Duration without
// the undefined behaviour of converting an out-of-range float: negative and
// NaN become 0, and anything past the largest Duration becomes that.
func toDuration(ns float64) time.Duration {
	switch {
	case !(ns > 0):
		return 0
	case ns >= math.MaxInt64:
		return math.MaxInt64
	default:
		return time.Duration(ns)
	}
}
