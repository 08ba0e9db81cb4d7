package serviceconfig

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxDurationSeconds is the whole seconds of the largest time.Duration
// (about 292 years). A protobuf Duration can hold more, but nothing in the
// service config needs it, and clamping silently would hide a typo.
const maxDurationSeconds = math.MaxInt64 / int64(time.Second)

// duration returns the field key as a protobuf JSON Duration.
func (o object) duration(key string) (time.Duration, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return 0, false, nil
	}
	if kindOf(raw) != '"' {
		return 0, false, fmt.Errorf(`%s: must be a duration string such as "1.5s", got %s`, o.at(key), describe(raw))
	}
	s, err := asString(raw, o.at(key))
	if err != nil {
		return 0, false, err
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %s is not a valid duration: %w", o.at(key), quote(s), err)
	}
	return d, true, nil
}

// parseDuration parses the proto3 JSON form of google.protobuf.Duration:
// seconds as a decimal number with up to nine fractional digits
// (nanoseconds) followed by "s", such as "1.5s", "0.000001s", ".1s" (the
// form used in gRPC's own examples) or "-2s". It does its own decimal
// arithmetic instead of going through a float so "0.3s" is exactly 300ms.
func parseDuration(s string) (time.Duration, error) {
	body, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, errors.New(`it must end in "s" (seconds), as in "1.5s" or "0.25s"`)
	}
	neg := false
	if rest, ok := strings.CutPrefix(body, "-"); ok {
		neg, body = true, rest
	} else if rest, ok := strings.CutPrefix(body, "+"); ok {
		body = rest
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	switch {
	case whole == "" && frac == "":
		return 0, errors.New(`it needs digits before the "s", as in "1.5s"`)
	case hasDot && frac == "":
		return 0, errors.New(`it needs digits after the decimal point, as in "1.0s"`)
	case !allDigits(whole) || !allDigits(frac):
		return 0, errors.New(`it must be decimal seconds followed by "s", as in "1.5s"`)
	case len(frac) > 9:
		return 0, errors.New("at most 9 digits are allowed after the decimal point (nanoseconds)")
	}
	secs := int64(0)
	if whole != "" {
		var err error
		secs, err = strconv.ParseInt(whole, 10, 64)
		if err != nil || secs > maxDurationSeconds {
			return 0, fmt.Errorf("it is longer than the largest supported duration (%ds)", maxDurationSeconds)
		}
	}
	nanos := int64(0)
	if frac != "" {
		padded := frac + strings.Repeat("0", 9-len(frac))
		nanos, _ = strconv.ParseInt(padded, 10, 64) // nine digits always fit
	}
	if secs == maxDurationSeconds && nanos > math.MaxInt64%int64(time.Second) {
		return 0, fmt.Errorf("it is longer than the largest supported duration (%ds)", maxDurationSeconds)
	}
	d := time.Duration(secs)*time.Second + time.Duration(nanos)
	if neg {
		d = -d
	}
	return d, nil
}

// allDigits reports whether s has only ASCII digits (true for "").
func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
