package dns

import (
	"context"
	"fmt"
	"time"

	"github.com/actorpc/actorpc/rpc/resolver"
)

// DefaultMinResolutionInterval is the least time between two lookups of
// one target unless a BuildOptions or an Option says otherwise: 30 s, as
// grpc-go, so that backends failing in a loop do not flood the DNS server.
const DefaultMinResolutionInterval = 30 * time.Second

// Option configures NewBuilder.
type Option func(*config)

type config struct {
	lookup      func(ctx context.Context, host string) ([]string, error)
	interval    time.Duration
	intervalSet bool
}

// WithLookup replaces the DNS lookup: lookup returns the IP addresses of
// host (without ports). It is called from the resolver's goroutine with a
// context that ends when the lookup times out or the resolver closes, and
// it must return then. It is used for every target, so the DNS server a
// target names as its authority is not asked.
func WithLookup(lookup func(ctx context.Context, host string) ([]string, error)) Option {
	return func(c *config) { c.lookup = lookup }
}

// WithMinResolutionInterval sets the least time between two lookups of a
// target; it wins over BuildOptions.MinResolutionInterval. It also caps
// the backoff after a failed lookup. d must be positive.
func WithMinResolutionInterval(d time.Duration) Option {
	return func(c *config) { c.interval, c.intervalSet = d, true }
}

// minInterval picks the interval: an explicit option, else the channel's
// BuildOptions when set, else the default.
func (c config) minInterval(opts resolver.BuildOptions) (time.Duration, error) {
	switch {
	case c.intervalSet:
		if c.interval <= 0 {
			return 0, fmt.Errorf("WithMinResolutionInterval(%v): the interval must be positive, or the resolver could query DNS in a busy loop", c.interval)
		}
		return c.interval, nil
	case opts.MinResolutionInterval > 0:
		return opts.MinResolutionInterval, nil
	default:
		return DefaultMinResolutionInterval, nil
	}
}
