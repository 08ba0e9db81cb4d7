package dns

import (
	"net"
	"testing"
)

// FuzzSplitHostPort splits arbitrary dns endpoints. Beyond never panicking:
// a refusal says why; an accepted endpoint gives a non-empty host and port,
// and joining them again splits back to the same pair (so what the
// resolver looks up and dials is exactly what it parsed).
func FuzzSplitHostPort(f *testing.F) {
	for _, s := range []string{
		"example.com:50051", "example.com", "10.0.0.1", "10.0.0.1:80", "[::1]:80", "::1", "[::1]",
		":80", "host:", "[::1", "a:b:c", "fe80::1%eth0", "[fe80::1%25eth0]:1", "", " ", "\x00:1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, endpoint string) {
		host, port, err := splitHostPort(endpoint, defaultPort)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("splitHostPort(%q): empty error", endpoint)
			}
			return
		}
		if host == "" || port == "" {
			t.Fatalf("splitHostPort(%q) = %q, %q: empty host or port", endpoint, host, port)
		}
		h2, p2, err := net.SplitHostPort(net.JoinHostPort(host, port))
		if err != nil || h2 != host || p2 != port {
			t.Fatalf("splitHostPort(%q) = %q, %q, which join and split to %q, %q, %v", endpoint, host, port, h2, p2, err)
		}
	})
}
