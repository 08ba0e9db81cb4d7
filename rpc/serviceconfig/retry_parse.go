package serviceconfig

import (
	"fmt"
	"time"
)

// parseRetryPolicy reads the retryPolicy of a methodConfig entry. Every
// field is required, as A6 says, and an invalid policy invalidates the
// whole config rather than being dropped, so a typo cannot silently turn
// retries off.
func parseRetryPolicy(mc object) (*RetryPolicy, error) {
	obj, ok, err := mc.object("retryPolicy")
	if err != nil || !ok {
		return nil, err
	}
	var p RetryPolicy
	if p.MaxAttempts, err = parseMaxAttempts(obj); err != nil {
		return nil, err
	}
	if p.InitialBackoff, err = requiredPositiveDuration(obj, "initialBackoff"); err != nil {
		return nil, err
	}
	if p.MaxBackoff, err = requiredPositiveDuration(obj, "maxBackoff"); err != nil {
		return nil, err
	}
	if p.BackoffMultiplier, err = parseMultiplier(obj); err != nil {
		return nil, err
	}
	if p.RetryableStatusCodes, err = parseRetryableCodes(obj); err != nil {
		return nil, err
	}
	return &p, nil
}

// parseMaxAttempts reads maxAttempts: at least 2 (one retry), and capped to
// maxAttemptsLimit.
func parseMaxAttempts(obj object) (int, error) {
	n, ok, err := obj.uint32("maxAttempts")
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, fmt.Errorf("%s: is required: the number of attempts including the first, at least 2", obj.at("maxAttempts"))
	case n < 2:
		return 0, fmt.Errorf("%s: must be at least 2 (the first attempt plus one retry), got %d", obj.at("maxAttempts"), n)
	}
	return int(min(n, maxAttemptsLimit)), nil
}

// requiredPositiveDuration reads a backoff duration that must be set and
// greater than zero.
func requiredPositiveDuration(obj object, key string) (time.Duration, error) {
	d, ok, err := obj.duration(key)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, fmt.Errorf(`%s: is required: a duration greater than zero, such as "0.1s"`, obj.at(key))
	case d <= 0:
		return 0, fmt.Errorf("%s: must be greater than zero, got %v", obj.at(key), d)
	}
	return d, nil
}

// parseMultiplier reads backoffMultiplier, which must be set and greater
// than zero.
func parseMultiplier(obj object) (float64, error) {
	m, ok, err := obj.float("backoffMultiplier")
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, fmt.Errorf("%s: is required: a number greater than zero, such as 2", obj.at("backoffMultiplier"))
	case m <= 0:
		return 0, fmt.Errorf("%s: must be greater than zero, got %v", obj.at("backoffMultiplier"), m)
	}
	return m, nil
}
