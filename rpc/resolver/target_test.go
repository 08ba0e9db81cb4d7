package resolver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/resolver"
)

// knownSchemes stands for a channel that knows these resolvers.
func knownSchemes(schemes ...string) func(string) bool {
	return func(s string) bool {
		for _, k := range schemes {
			if s == k {
				return true
			}
		}
		return false
	}
}

func TestParseTarget(t *testing.T) {
	known := knownSchemes("dns", "unix", "passthrough", "static")
	tests := []struct {
		raw       string
		scheme    string
		authority string
		endpoint  string
		urlPath   string
		urlOpaque string
	}{
		// Bare endpoints take the default scheme.
		{raw: "localhost:50051", scheme: "dns", endpoint: "localhost:50051", urlPath: "/localhost:50051"},
		{raw: "127.0.0.1:80", scheme: "dns", endpoint: "127.0.0.1:80", urlPath: "/127.0.0.1:80"},
		{raw: "[::1]:80", scheme: "dns", endpoint: "[::1]:80", urlPath: "/[::1]:80"},
		{raw: "example.com", scheme: "dns", endpoint: "example.com", urlPath: "/example.com"},
		// An unknown scheme makes the whole string a dns endpoint, as in grpc-go.
		{raw: "foo:///bar:1", scheme: "dns", endpoint: "foo:///bar:1", urlPath: "/foo:///bar:1"},
		{raw: "/abs/path", scheme: "dns", endpoint: "/abs/path", urlPath: "//abs/path"},
		// Known schemes.
		{raw: "dns:///example.com:443", scheme: "dns", endpoint: "example.com:443", urlPath: "/example.com:443"},
		{raw: "dns://8.8.8.8:53/example.com:443", scheme: "dns", authority: "8.8.8.8:53", endpoint: "example.com:443", urlPath: "/example.com:443"},
		{raw: "dns://[::1]:53/example.com", scheme: "dns", authority: "[::1]:53", endpoint: "example.com", urlPath: "/example.com"},
		{raw: "dns:example.com:443", scheme: "dns", endpoint: "example.com:443", urlOpaque: "example.com:443"},
		{raw: "DNS:///example.com", scheme: "dns", endpoint: "example.com", urlPath: "/example.com"},
		{raw: "passthrough:///localhost:50051", scheme: "passthrough", endpoint: "localhost:50051", urlPath: "/localhost:50051"},
		{raw: "passthrough:localhost:50051", scheme: "passthrough", endpoint: "localhost:50051", urlOpaque: "localhost:50051"},
		{raw: "unix:///tmp/a.sock", scheme: "unix", endpoint: "tmp/a.sock", urlPath: "/tmp/a.sock"},
		{raw: "unix:/tmp/a.sock", scheme: "unix", endpoint: "tmp/a.sock", urlPath: "/tmp/a.sock"},
		{raw: "unix:rel/a.sock", scheme: "unix", endpoint: "rel/a.sock", urlOpaque: "rel/a.sock"},
		{raw: "unix://host/tmp/a.sock", scheme: "unix", authority: "host", endpoint: "tmp/a.sock", urlPath: "/tmp/a.sock"},
		{raw: "static:///a:1,b:2", scheme: "static", endpoint: "a:1,b:2", urlPath: "/a:1,b:2"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := resolver.ParseTarget(tt.raw, known)
			require.NoError(t, err)
			assert.Equal(t, tt.raw, got.Raw, "Raw")
			assert.Equal(t, tt.scheme, got.Scheme, "Scheme")
			assert.Equal(t, tt.authority, got.Authority, "Authority")
			assert.Equal(t, tt.endpoint, got.Endpoint, "Endpoint")
			assert.Equal(t, tt.urlPath, got.URL.Path, "URL.Path")
			assert.Equal(t, tt.urlOpaque, got.URL.Opaque, "URL.Opaque")
			assert.Equal(t, got.Scheme, got.URL.Scheme, "URL.Scheme")
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	known := knownSchemes("dns")
	tests := []struct {
		raw  string
		want string
	}{
		{raw: "", want: "empty target"},
		{raw: "host\n:80", want: "host\\n:80"},
		{raw: "bad%zz:80", want: "not a valid dns endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := resolver.ParseTarget(tt.raw, known)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseTargetAsksKnownWithLowerCaseScheme(t *testing.T) {
	var asked []string
	_, err := resolver.ParseTarget("Unix:///x", func(s string) bool {
		asked = append(asked, s)
		return false
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"unix"}, asked)
}

func TestParseTargetNilKnownUsesRegistry(t *testing.T) {
	got, err := resolver.ParseTarget("passthrough:///localhost:1", nil)
	require.NoError(t, err)
	assert.Equal(t, "passthrough", got.Scheme, "passthrough is registered by package resolver")

	got, err = resolver.ParseTarget("nosuchscheme:///x", nil)
	require.NoError(t, err)
	assert.Equal(t, "dns", got.Scheme, "an unregistered scheme falls back to dns")
	assert.Equal(t, "nosuchscheme:///x", got.Endpoint)
}
