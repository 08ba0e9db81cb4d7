package dns

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// lookupTimeout bounds one lookup, so a DNS server that never answers
// delays the next attempt instead of stopping resolution for good.
const lookupTimeout = 10 * time.Second

// watcher is the resolver of one host name, an actor: run's goroutine owns
// all that changes (when the last lookup was, how many failed in a row);
// ResolveNow reaches it through resolveNow and Close through the actor's
// context. The fields are fixed before the actor starts.
type watcher struct {
	host, port  string
	lookup      func(ctx context.Context, host string) ([]string, error)
	minInterval time.Duration
	cc          resolver.ClientConn
	// resolveNow has room for one: a request made while one waits is the
	// same request, and the channel calling ResolveNow must never block.
	resolveNow chan struct{} // from: channel actor to resolver; never
	ref        *actors.Ref
}

// ResolveNow asks for a lookup; it never blocks. The lookup happens no
// sooner than the minimum interval after the previous one.
func (w *watcher) ResolveNow() {
	select {
	case w.resolveNow <- struct{}{}:
	default:
	}
}

// Close cancels a lookup in flight, ends the actor and waits for it.
func (w *watcher) Close() {
	w.ref.Stop()
	<-w.ref.Done()
}

// run is the actor's loop: look up, push or report, wait, again. After a
// good lookup it waits for ResolveNow and then for the rest of the minimum
// interval; after a failed one it waits for the backoff and retries by
// itself, since the channel may have no reason to call ResolveNow (it has
// no backends at all before the first good lookup).
//
// A ResolveNow that comes during a lookup is kept and served after it (no
// sooner than the interval), as grpc-go does: the channel may have seen a
// backend fail after the lookup began. One that comes while a lookup is
// already scheduled is absorbed by it.
func (w *watcher) run(ctx context.Context) error {
	retry := retryPolicy(w.minInterval)
	failures := 0
	for {
		addrs, err := w.resolve(ctx)
		resolvedAt := time.Now()
		if ctx.Err() != nil {
			return nil // closed during the lookup: its error means nothing.
		}
		var wait time.Duration
		if err != nil {
			wait = retry.Delay(failures)
			failures++
			w.cc.ReportError(fmt.Errorf("%w (retrying in %v)", err, wait))
		} else {
			failures = 0
			if err := w.cc.UpdateState(resolver.State{Addresses: addrs}); err != nil {
				// The channel has closed and will Close this resolver;
				// nobody listens to further lookups.
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-w.resolveNow:
			}
			wait = w.minInterval - time.Since(resolvedAt)
		}
		if !w.sleep(ctx, wait) {
			return nil
		}
	}
}

// retryPolicy doubles the wait after each failed lookup from 1 s up to the
// minimum interval, without jitter: every failure is already separated by
// a lookup, and one client's resolver is not a thundering herd.
func retryPolicy(minInterval time.Duration) backoff.Config {
	return backoff.Config{
		BaseDelay:  min(time.Second, minInterval),
		Multiplier: 2,
		MaxDelay:   minInterval,
	}
}

// sleep waits d unless the resolver closes first (false). A ResolveNow
// meanwhile is absorbed: the lookup it asks for is the one at the end.
func (w *watcher) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-w.resolveNow:
		}
	}
}

// resolve does one lookup, bounded by lookupTimeout and by the resolver's
// life, and turns its IPs into addresses with the target's port.
func (w *watcher) resolve(ctx context.Context) ([]resolver.Address, error) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ips, err := w.lookup(ctx, w.host)
	if err != nil {
		return nil, fmt.Errorf("dns: looking up host %q: %w", w.host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("dns: looking up host %q found no addresses", w.host)
	}
	addrs := make([]resolver.Address, 0, len(ips))
	for _, ip := range ips {
		if _, err := netip.ParseAddr(ip); err != nil {
			return nil, fmt.Errorf("dns: looking up host %q gave %q, which is not an IP address: %w", w.host, ip, err)
		}
		addrs = append(addrs, resolver.Address{Addr: net.JoinHostPort(ip, w.port)})
	}
	return addrs, nil
}

// Actor is the resolver's actor, which the channel lists in Inspect.
func (w *watcher) Actor() *actors.Ref { return w.ref }
