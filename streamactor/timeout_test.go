package streamactor

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEncodeTimeout(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0n"},
		{0, "0n"},
		{1, "1n"},
		{1500, "1500n"},
		{99999999, "99999999n"},
		// Nine digits do not fit: a coarser unit.
		{100000000, "100000u"},
		{100000001, "100001u"}, // rounded up, never shortened
		{time.Second, "1000000u"},
		{99999999 * time.Microsecond, "99999999u"},
		{100 * time.Second, "100000m"},
		{100*time.Second + 1, "100001m"},
		{99999999 * time.Millisecond, "99999999m"},
		{100000 * time.Second, "100000S"},
		{99999999 * time.Second, "99999999S"},
		{100000000 * time.Second, "1666667M"}, // 1666666.67 rounded up
		{99999999 * time.Minute, "99999999M"},
		{100000000 * time.Minute, "1666667H"},
	} {
		require.Equal(t, tc.want, EncodeTimeout(tc.d), "EncodeTimeout(%d)", int64(tc.d))
	}
}

// checkEncoded asserts that s is a valid grpc-timeout for d: at most 8
// digits and a unit, decoding to no less than d and less than one unit
// more.
func checkEncoded(t *testing.T, d time.Duration, s string) {
	t.Helper()
	require.GreaterOrEqual(t, len(s), 2, "EncodeTimeout(%d) = %q", int64(d), s)
	require.LessOrEqual(t, len(s), 9, "EncodeTimeout(%d) = %q: more than 8 digits", int64(d), s)
	_, err := strconv.ParseUint(s[:len(s)-1], 10, 64)
	require.NoError(t, err, "EncodeTimeout(%d) = %q", int64(d), s)
	got, err := DecodeTimeout(s)
	require.NoError(t, err, "EncodeTimeout(%d) = %q", int64(d), s)
	require.GreaterOrEqual(t, got, d, "EncodeTimeout(%d) = %q shortens the deadline", int64(d), s)
	unit, err := DecodeTimeout("1" + s[len(s)-1:])
	require.NoError(t, err)
	if got < time.Duration(math.MaxInt64) {
		require.Less(t, got-d, unit, "EncodeTimeout(%d) = %q rounds up by a unit or more", int64(d), s)
	}
}

func TestEncodeTimeoutRoundTrip(t *testing.T) {
	ds := []time.Duration{1, 7, 999, 1000, 1001}
	for d := time.Duration(1); d < time.Duration(math.MaxInt64/10); d *= 10 {
		ds = append(ds, d-1, d, d+1, d*3+7)
	}
	ds = append(ds, 292*365*24*time.Hour) // about the largest Duration
	for _, d := range ds {
		if d <= 0 {
			continue
		}
		checkEncoded(t, d, EncodeTimeout(d))
	}
}

// TestEncodeTimeoutHuge: the largest durations must still give a valid
// grpc-timeout. A caller gets one from context.WithTimeout(ctx,
// math.MaxInt64), a common way to say "no deadline": time.Until of its
// deadline is just below MaxInt64, and rpc's requestHead passes it on.
//
// KNOWN BUG (streamactor/timeout.go:25): d + u.size - 1 overflows for d
// within u.size of MaxInt64, giving a negative count that passes the
// v <= maxDigits test, so EncodeTimeout(math.MaxInt64) returns
// "-9223372036854774u", the WithTimeout case above "-9223372036853m", and
// every d > MaxInt64-1h+1 a negative value in some unit. The server rejects
// such a header (400). This test fails until the round-up is done without
// overflow (e.g. v := d/u.size, plus one when d%u.size != 0).
func TestEncodeTimeoutHuge(t *testing.T) {
	for _, d := range []time.Duration{
		math.MaxInt64,
		math.MaxInt64 - 1,
		math.MaxInt64 - time.Microsecond,
		math.MaxInt64 - 3*time.Millisecond,
		math.MaxInt64 - time.Second,
		math.MaxInt64 - time.Minute,
		math.MaxInt64 - time.Hour + 2,
		math.MaxInt64 - time.Hour,
	} {
		t.Run(strconv.FormatInt(int64(d), 10), func(t *testing.T) {
			checkEncoded(t, d, EncodeTimeout(d))
		})
	}
}

func TestDecodeTimeoutUnits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"0n", 0},
		{"1n", time.Nanosecond},
		{"1u", time.Microsecond},
		{"1m", time.Millisecond},
		{"1S", time.Second},
		{"1M", time.Minute},
		{"1H", time.Hour},
		{"250m", 250 * time.Millisecond},
		{"00000010S", 10 * time.Second},
		{"99999999n", 99999999},
		{"99999999u", 99999999 * time.Microsecond},
		{"99999999m", 99999999 * time.Millisecond},
		{"99999999S", 99999999 * time.Second},
		{"99999999M", 99999999 * time.Minute},
		// These overflow a Duration: the longest one instead.
		{"99999999H", math.MaxInt64},
		{"2562048H", math.MaxInt64},
		{"2562047H", 2562047 * time.Hour},
	} {
		got, err := DecodeTimeout(tc.in)
		require.NoError(t, err, "DecodeTimeout(%q)", tc.in)
		require.Equal(t, tc.want, got, "DecodeTimeout(%q)", tc.in)
	}
}

func TestDecodeTimeoutBad(t *testing.T) {
	for _, in := range []string{
		"",
		"n",          // no digits
		"1",          // no unit
		"S1",         // unit first
		"123456789S", // nine digits
		"1000000000n",
		"1s", // units are case-sensitive: S is seconds, s is nothing
		"1h",
		"1x",
		"1 ",
		"abcS",
		"1.5S",
		"-1S",
		"+1S",
		" 1S",
		"1_0S",
		"0x1S",
		"١S", // a non-ASCII digit
	} {
		_, err := DecodeTimeout(in)
		require.Error(t, err, "DecodeTimeout(%q)", in)
	}
}
