package dns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

const (
	// defaultPort is the port of a target that names none: gRPC's default,
	// HTTPS's.
	defaultPort = "443"
	// defaultDNSPort is the port of a DNS server named without one.
	defaultDNSPort = "53"
)

// splitHostPort splits "host:port", "host", "[v6]:port" or a bare IPv6
// address, adding defPort when the port is missing, with grpc-go's rules:
// ":port" means localhost (as for net.Dial) and "host:" is an error, since
// an empty port is more likely a mistake than a wish for the default.
func splitHostPort(endpoint, defPort string) (host, port string, err error) {
	if endpoint == "" {
		return "", "", errors.New(`no host: want "host:port" or "host"`)
	}
	if addr, err := netip.ParseAddr(endpoint); err == nil {
		// An IP address without port; IPv6 without brackets too. netip
		// takes any zone, but one with a bracket cannot be written back
		// as "[host]:port" (found by FuzzSplitHostPort: "::%]0").
		if strings.ContainsAny(addr.Zone(), "[]") {
			return "", "", fmt.Errorf("%q: an IPv6 zone may not contain brackets", endpoint)
		}
		return endpoint, defPort, nil
	}
	if host, port, err := net.SplitHostPort(endpoint); err == nil {
		if port == "" {
			return "", "", fmt.Errorf("%q ends with a colon: add the port, or drop the colon for port %s", endpoint, defPort)
		}
		if host == "" {
			host = "localhost"
		}
		return host, port, nil
	}
	host, port, err = net.SplitHostPort(endpoint + ":" + defPort)
	if err != nil {
		return "", "", fmt.Errorf("%q is not \"host:port\" or \"host\": %w", endpoint, err)
	}
	if host == "" {
		// "[]": brackets around nothing. Found by FuzzSplitHostPort; it
		// would otherwise be looked up as the empty name.
		return "", "", fmt.Errorf("%q names no host: want \"host:port\" or \"host\"", endpoint)
	}
	return host, port, nil
}
