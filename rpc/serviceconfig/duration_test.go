package serviceconfig

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"1s", time.Second},
		{"1.5s", 1500 * time.Millisecond},
		{"0.000001s", time.Microsecond},
		{"0.000000001s", time.Nanosecond},
		{".1s", 100 * time.Millisecond},
		{"0.3s", 300 * time.Millisecond},
		{"0s", 0},
		{"-2.5s", -2500 * time.Millisecond},
		{"+3s", 3 * time.Second},
		{"120s", 2 * time.Minute},
		{"1.100000000s", 1100 * time.Millisecond},
		{"9223372036.854775807s", math.MaxInt64},
		{"-9223372036.854775807s", -math.MaxInt64},
	}
	for _, tc := range tests {
		got, err := parseDuration(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseDurationRejects(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", `end in "s"`},
		{"1", `end in "s"`},
		{"1m", `end in "s"`},
		{"100ms", "decimal seconds"},
		{"s", "digits before"},
		{"-s", "digits before"},
		{".s", "digits before"},
		{"1.s", "digits after"},
		{"1.2.3s", "decimal seconds"},
		{"1e3s", "decimal seconds"},
		{" 1s", "decimal seconds"},
		{"--1s", "decimal seconds"},
		{"0x10s", "decimal seconds"},
		{"0.0000000001s", "at most 9 digits"},
		{"9223372036.854775808s", "largest supported"},
		{"9223372037s", "largest supported"},
		{"99999999999999999999999s", "largest supported"},
	}
	for _, tc := range tests {
		_, err := parseDuration(tc.in)
		require.Error(t, err, "%q", tc.in)
		assert.Contains(t, err.Error(), tc.want, "%q", tc.in)
	}
}
