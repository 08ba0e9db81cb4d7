package serviceconfig

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// precedence has one entry of each kind, with distinct timeouts to tell
// which one matched.
const precedence = `{"methodConfig": [
	{"name": [{}], "timeout": "1s"},
	{"name": [{"service": "pkg.Svc"}], "timeout": "2s", "waitForReady": true},
	{"name": [{"service": "pkg.Svc", "method": "Exact"}], "timeout": "3s"},
	{"name": [{"service": "pkg.Empty", "method": "NoFields"}]}
]}`

func TestMethodLookupPrecedence(t *testing.T) {
	c := mustParse(t, precedence)
	tests := []struct {
		fullMethod string
		want       time.Duration
	}{
		{"/pkg.Svc/Exact", 3 * time.Second},
		{"pkg.Svc/Exact", 3 * time.Second}, // leading slash optional
		{"/pkg.Svc/Other", 2 * time.Second},
		{"/pkg.svc/Exact", time.Second}, // names are case-sensitive
		{"/other.Svc/Exact", time.Second},
		{"/pkg.Svc/", time.Second}, // malformed: only the default matches
		{"/pkg.Svc", time.Second},
		{"", time.Second},
		{"//M", time.Second},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, c.Method(tc.fullMethod).Timeout, "%q", tc.fullMethod)
	}
}

// TestMethodLookupDoesNotMerge: the most specific entry wins whole, even
// when it sets fewer fields than a broader one, as in every gRPC stack.
func TestMethodLookupDoesNotMerge(t *testing.T) {
	c := mustParse(t, precedence)
	assert.Equal(t, ptr(true), c.Method("/pkg.Svc/Other").WaitForReady)
	assert.Nil(t, c.Method("/pkg.Svc/Exact").WaitForReady, "exact entry does not inherit the service's waitForReady")
	assert.Equal(t, MethodConfig{}, c.Method("/pkg.Empty/NoFields"), "an entry with no fields still shadows the default")
}

func TestMethodLookupWithoutDefault(t *testing.T) {
	c := mustParse(t, `{"methodConfig": [{"name": [{"service": "pkg.Svc", "method": "M"}], "timeout": "1s"}]}`)
	assert.Equal(t, time.Second, c.Method("/pkg.Svc/M").Timeout)
	assert.Equal(t, MethodConfig{}, c.Method("/pkg.Svc/N"))
	assert.Equal(t, MethodConfig{}, c.Method("/x.Y/M"))
}

func TestMethodLookupNilConfig(t *testing.T) {
	var c *Config
	assert.Equal(t, MethodConfig{}, c.Method("/pkg.Svc/M"))
	assert.Equal(t, MethodConfig{}, (&Config{}).Method("/pkg.Svc/M"))
}

func TestSplitFullMethod(t *testing.T) {
	tests := []struct {
		in              string
		service, method string
		ok              bool
	}{
		{"/pkg.Svc/M", "pkg.Svc", "M", true},
		{"pkg.Svc/M", "pkg.Svc", "M", true},
		{"/a/b/M", "a/b", "M", true},
		{"/pkg.Svc/", "", "", false},
		{"/M", "", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		s, m, ok := splitFullMethod(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.service, s, tc.in)
		assert.Equal(t, tc.method, m, tc.in)
	}
}
