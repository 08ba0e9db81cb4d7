package dns

import (
	"context"
	"fmt"
	"net"
)

// lookupFor is the lookup for a target's authority: the system's resolver
// when it has none, else Go's own resolver sending every query to the DNS
// server the authority names ("8.8.8.8", "8.8.8.8:53", "[::1]:5353").
// Either way Go's DNS queries end when the lookup's context does (see
// closeOnCancel).
func lookupFor(authority string) (func(ctx context.Context, host string) ([]string, error), error) {
	if authority == "" {
		// Dial does not change whether Go or the C library resolves;
		// it only reaches Go's queries.
		return (&net.Resolver{Dial: dialDNS("")}).LookupHost, nil
	}
	host, port, err := splitHostPort(authority, defaultDNSPort)
	if err != nil {
		return nil, fmt.Errorf("authority names no usable DNS server: %w", err)
	}
	r := &net.Resolver{PreferGo: true, Dial: dialDNS(net.JoinHostPort(host, port))}
	return r.LookupHost, nil
}

// dialDNS dials the DNS server Go's resolver asks for, or server instead
// when it is set.
func dialDNS(server string) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if server != "" {
			address = server
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, address)
		if err != nil {
			return nil, fmt.Errorf("dialing DNS server %s: %w", address, err)
		}
		return closeOnCancel(ctx, conn), nil
	}
}

// closeOnCancel makes ctx's end close conn. Go's resolver bounds a query
// by a read deadline but does not watch its context while it reads, and
// LookupHost returns only when the read does: without this, Close during
// a lookup to a silent server would wait for the query's deadline (5 s
// by default, per attempt).
func closeOnCancel(ctx context.Context, conn net.Conn) net.Conn {
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	// Go's resolver frames a query by whether the conn is a PacketConn
	// (UDP) or not (TCP), so the wrapper must keep that difference.
	if pc, ok := conn.(packetConn); ok {
		return &packetConnStopper{packetConn: pc, stop: stop}
	}
	return &connStopper{Conn: conn, stop: stop}
}

type packetConn interface {
	net.Conn
	net.PacketConn
}

// connStopper unregisters the close-on-cancel when the resolver closes
// the conn itself, the usual case.
type connStopper struct {
	net.Conn
	stop func() bool
}

func (c *connStopper) Close() error {
	c.stop()
	return c.Conn.Close()
}

// packetConnStopper is connStopper for a PacketConn.
type packetConnStopper struct {
	packetConn
	stop func() bool
}

func (c *packetConnStopper) Close() error {
	c.stop()
	return c.packetConn.Close()
}
