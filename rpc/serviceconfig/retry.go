package serviceconfig

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
)

// maxAttemptsLimit is the client-side cap on RetryPolicy.MaxAttempts. A6
// sets it to 5 by default because the service config may arrive over DNS,
// and an attacker who could spoof DNS could otherwise turn every client into
// an amplifier of its RPCs.
const maxAttemptsLimit = 5

// RetryPolicy says when and how soon a failed call is tried again (A6).
// Like the rest of a Config it is read-only after Parse.
type RetryPolicy struct {
	// MaxAttempts is the most attempts a call makes, the first included;
	// between 2 and 5 (larger configured values are capped to 5).
	MaxAttempts int
	// InitialBackoff bounds the random delay before the first retry.
	InitialBackoff time.Duration
	// MaxBackoff caps the bound as it grows by BackoffMultiplier.
	MaxBackoff time.Duration
	// BackoffMultiplier is the factor by which the bound grows per retry.
	BackoffMultiplier float64
	// RetryableStatusCodes are the statuses that make a call be retried;
	// any other status ends it. Use Retryable to ask.
	RetryableStatusCodes map[codes.Code]bool
}

// Retryable reports whether a call that ended with status code c may be
// tried again under this policy (attempts and throttling permitting).
func (p *RetryPolicy) Retryable(c codes.Code) bool {
	return p != nil && p.RetryableStatusCodes[c]
}

// Backoff returns how long to wait before retry number retry (1 for the
// first retry, which is the second attempt). As A6 says, it is drawn
// uniformly from [0, BackoffBound(retry)): the full range down to zero
// spreads the retries of many clients that failed together.
//
// It draws from math/rand/v2's top-level source, which is safe for
// concurrent use, so calls of the same method may ask at the same time.
func (p *RetryPolicy) Backoff(retry int) time.Duration {
	bound := p.BackoffBound(retry)
	if bound < 1 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(bound)))
}

// BackoffBound is the upper bound of the backoff before retry number retry:
// min(InitialBackoff*BackoffMultiplier^(retry-1), MaxBackoff). A retry
// below 1 is treated as 1.
func (p *RetryPolicy) BackoffBound(retry int) time.Duration {
	if retry < 1 {
		retry = 1
	}
	bound := float64(p.InitialBackoff) * math.Pow(p.BackoffMultiplier, float64(retry-1))
	if limit := float64(p.MaxBackoff); bound > limit || math.IsNaN(bound) {
		bound = limit
	}
	// bound <= MaxBackoff here, which is an int64, so the conversion holds.
	return time.Duration(bound)
}
