// Package dns is the resolver of "dns" targets, gRPC's default scheme:
// "host:port", "dns:///host:port", or "dns://server:53/host:port" to ask a
// given DNS server. Importing it registers the builder; NewBuilder makes
// one with options for a single channel (rpc.WithResolvers).
//
// A name is resolved by an actor that owns the resolver's state: it looks
// the host up at once, pushes the addresses, and looks again when the
// channel calls ResolveNow, but never sooner than the minimum resolution
// interval after the previous lookup, so a channel whose backends keep
// failing cannot flood the DNS server. A failed lookup is reported and
// retried with backoff on its own.
//
// Unlike grpc-go, the resolver does not look up the target's TXT record
// for a service config: State.ServiceConfig is always "" and the channel
// uses its default service config. SRV (grpclb) records are not looked up
// either.
package dns

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/resolver"
)

func init() { resolver.Register(NewBuilder()) }

// builder makes dns resolvers with one set of options.
type builder struct{ cfg config }

// NewBuilder makes a dns Builder with opts, to give one channel resolving
// that differs from the registered builder's (a fake lookup in a test, a
// shorter interval).
func NewBuilder(opts ...Option) resolver.Builder {
	b := &builder{}
	for _, o := range opts {
		o(&b.cfg)
	}
	return b
}

func (*builder) Scheme() string { return "dns" }

// Build starts resolving target. An IP literal needs no lookup: its one
// state is pushed here and no goroutine is started.
func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, opts resolver.BuildOptions) (resolver.Resolver, error) {
	host, port, err := splitHostPort(target.Endpoint, defaultPort)
	if err != nil {
		return nil, fmt.Errorf("dns: target %q: %w", target.Raw, err)
	}
	if _, err := netip.ParseAddr(host); err == nil {
		// The error only says the channel has closed already; it then
		// closes this resolver, which has nothing to end.
		_ = cc.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: net.JoinHostPort(host, port)}}})
		return fixedResolver{}, nil
	}
	interval, err := b.cfg.minInterval(opts)
	if err != nil {
		return nil, fmt.Errorf("dns: target %q: %w", target.Raw, err)
	}
	lookup := b.cfg.lookup
	if lookup == nil {
		if lookup, err = lookupFor(target.Authority); err != nil {
			return nil, fmt.Errorf("dns: target %q: %w", target.Raw, err)
		}
	}
	w := &watcher{
		host:        host,
		port:        port,
		lookup:      lookup,
		minInterval: interval,
		cc:          cc,
		resolveNow:  make(chan struct{}, 1),
	}
	w.ref = actors.Spawn(context.Background(), "dns resolver "+target.Raw, w.run,
		actors.WithMailbox(func() (int, int) { return len(w.resolveNow), cap(w.resolveNow) }))
	return w, nil
}

// fixedResolver serves an IP literal, whose state never changes.
type fixedResolver struct{}

// ResolveNow does nothing: an IP literal resolves to itself, and the
// channel keeps the last state it was given.
func (fixedResolver) ResolveNow() {}

// Close does nothing: there is no goroutine.
func (fixedResolver) Close() {}
