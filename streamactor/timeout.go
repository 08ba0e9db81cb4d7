package streamactor

import (
	"fmt"
	"strconv"
	"time"
)

// EncodeTimeout renders d as a grpc-timeout value: at most 8 digits and a
// unit, choosing the finest unit that fits (PROTOCOL-HTTP2, Timeout).
func EncodeTimeout(d time.Duration) string {
	if d <= 0 {
		return "0n"
	}
	const maxDigits = 99999999
	units := []struct {
		size time.Duration
		unit string
	}{
		{time.Nanosecond, "n"}, {time.Microsecond, "u"}, {time.Millisecond, "m"},
		{time.Second, "S"}, {time.Minute, "M"}, {time.Hour, "H"},
	}
	for _, u := range units {
		// Round up, so that a deadline is never shortened (without adding
		// first: that overflows near the largest durations).
		v := d / u.size
		if d%u.size != 0 {
			v++
		}
		if v <= maxDigits {
			return strconv.FormatInt(int64(v), 10) + u.unit
		}
	}
	return strconv.Itoa(maxDigits) + "H"
}

// DecodeTimeout parses a grpc-timeout value.
func DecodeTimeout(s string) (time.Duration, error) {
	if len(s) < 2 || len(s) > 9 {
		return 0, fmt.Errorf("grpc-timeout %q: want 1 to 8 digits and a unit", s)
	}
	v, err := strconv.ParseUint(s[:len(s)-1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("grpc-timeout %q: %w", s, err)
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 'n':
		unit = time.Nanosecond
	case 'u':
		unit = time.Microsecond
	case 'm':
		unit = time.Millisecond
	case 'S':
		unit = time.Second
	case 'M':
		unit = time.Minute
	case 'H':
		unit = time.Hour
	default:
		return 0, fmt.Errorf("grpc-timeout %q: unknown unit %q", s, s[len(s)-1])
	}
	if max := time.Duration(1<<63-1) / unit; time.Duration(v) > max {
		return time.Duration(1<<63 - 1), nil
	}
	return time.Duration(v) * unit, nil
}
