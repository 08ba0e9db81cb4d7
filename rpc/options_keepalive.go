package rpc

import (
	"math/rand/v2"
	"time"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/keepalive"
)

// Server keepalive, with grpc-go's options and defaults: the server pings
// a connection silent for 2 hours, closes idle or old connections only
// when told to, and polices the clients' pings (at most one every 5
// minutes, and none without a call open) unless told otherwise.

const (
	defaultServerKeepaliveTime    = 2 * time.Hour
	defaultServerKeepaliveTimeout = 20 * time.Second
	minServerKeepaliveTime        = time.Second
	defaultPingMinTime            = 5 * time.Minute
)

// KeepaliveParams sets how the server manages and pings its connections.
func KeepaliveParams(kp keepalive.ServerParameters) ServerOption {
	return func(o *serverOptions) { o.keepalive = kp }
}

// KeepaliveEnforcementPolicy sets how often clients may ping the server.
func KeepaliveEnforcementPolicy(kep keepalive.EnforcementPolicy) ServerOption {
	return func(o *serverOptions) { o.pingPolicy = kep }
}

// applyServerKeepalive fills a server connection's config from the
// options; each connection's age gets its own jitter.
func (o *serverOptions) applyServerKeepalive(cfg *connactor.Config) {
	kp := o.keepalive
	cfg.KeepaliveTime = kp.Time
	if cfg.KeepaliveTime == 0 {
		cfg.KeepaliveTime = defaultServerKeepaliveTime
	}
	cfg.KeepaliveTime = max(cfg.KeepaliveTime, minServerKeepaliveTime)
	cfg.KeepaliveTimeout = kp.Timeout
	if cfg.KeepaliveTimeout <= 0 {
		cfg.KeepaliveTimeout = defaultServerKeepaliveTimeout
	}
	// A server pings whether or not calls are open: an idle connection
	// that died silently is what it must find.
	cfg.KeepalivePermitWithoutStream = true
	cfg.MaxConnectionIdle = max(kp.MaxConnectionIdle, 0)
	cfg.MaxConnectionAge = withJitter(max(kp.MaxConnectionAge, 0))
	cfg.MaxConnectionAgeGrace = max(kp.MaxConnectionAgeGrace, 0)

	policy := connactor.PingPolicy{MinTime: o.pingPolicy.MinTime, PermitWithoutStream: o.pingPolicy.PermitWithoutStream}
	if policy.MinTime <= 0 {
		policy.MinTime = defaultPingMinTime
	}
	cfg.PingPolicy = &policy
}

// withJitter spreads d by ±10%, so that connections made together do not
// all go away together.
func withJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	r := int64(d / 10)
	if r == 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(2*r+1)-r)
}
