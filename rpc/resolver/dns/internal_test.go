package dns

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/resolver"
)

func TestSplitHostPort(t *testing.T) {
	tests := []struct {
		in, host, port string
	}{
		{"example.com:50051", "example.com", "50051"},
		{"example.com", "example.com", "443"},
		{"10.0.0.1", "10.0.0.1", "443"},
		{"10.0.0.1:80", "10.0.0.1", "80"},
		{"::1", "::1", "443"},
		{"[::1]", "::1", "443"},
		{"[::1]:80", "::1", "80"},
		{"fe80::1%eth0", "fe80::1%eth0", "443"},
		{":80", "localhost", "80"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			host, port, err := splitHostPort(tt.in, "443")
			require.NoError(t, err)
			assert.Equal(t, tt.host, host)
			assert.Equal(t, tt.port, port)
		})
	}
}

func TestSplitHostPortErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no host"},
		{"example.com:", "ends with a colon"},
		{"[::1]:", "ends with a colon"},
		{"a:b:c", "not \"host:port\""},
		{"[::1", "not \"host:port\""},
		{"[]", "names no host"},
		{"::%]0", "zone may not contain brackets"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, _, err := splitHostPort(tt.in, "443")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRetryPolicyDoublesUpToMinInterval(t *testing.T) {
	p := retryPolicy(30 * time.Second)
	var got []time.Duration
	for i := 0; i < 7; i++ {
		got = append(got, p.Delay(i))
	}
	s := time.Second
	assert.Equal(t, []time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s}, got)

	// An interval under a second caps even the first wait.
	short := retryPolicy(200 * time.Millisecond)
	assert.Equal(t, 200*time.Millisecond, short.Delay(0))
	assert.Equal(t, 200*time.Millisecond, short.Delay(5))
}

func TestMinIntervalPrecedence(t *testing.T) {
	withOpt := func(opts ...Option) config {
		var c config
		for _, o := range opts {
			o(&c)
		}
		return c
	}
	tests := []struct {
		name string
		cfg  config
		opts resolver.BuildOptions
		want time.Duration
	}{
		{"default", withOpt(), resolver.BuildOptions{}, DefaultMinResolutionInterval},
		{"build options", withOpt(), resolver.BuildOptions{MinResolutionInterval: time.Minute}, time.Minute},
		{"option wins", withOpt(WithMinResolutionInterval(time.Second)), resolver.BuildOptions{MinResolutionInterval: time.Minute}, time.Second},
		{"option alone", withOpt(WithMinResolutionInterval(time.Second)), resolver.BuildOptions{}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.minInterval(tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := withOpt(WithMinResolutionInterval(0)).minInterval(resolver.BuildOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must be positive")
}
