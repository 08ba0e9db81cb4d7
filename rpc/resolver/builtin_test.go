package resolver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// build parses raw and builds it with the registered builder of its
// scheme, as a channel would.
func build(t *testing.T, raw string) (resolver.Resolver, *resolvertest.ClientConn, error) {
	t.Helper()
	target, err := resolver.ParseTarget(raw, nil)
	require.NoError(t, err)
	b := resolver.Get(target.Scheme)
	require.NotNil(t, b, "no builder registered for %q", target.Scheme)
	cc := resolvertest.NewClientConn(t)
	r, err := b.Build(target, cc, resolver.BuildOptions{})
	return r, cc, err
}

func TestBuiltinsAreRegistered(t *testing.T) {
	for _, s := range []string{"passthrough", "unix", "static", "PASSTHROUGH"} {
		b := resolver.Get(s)
		require.NotNil(t, b, s)
		assert.Equal(t, b.Scheme(), resolver.Get(b.Scheme()).Scheme())
	}
	assert.Nil(t, resolver.Get("nosuchscheme"))
}

// TestFixedResolvers covers the resolvers whose one state is pushed in
// Build: exactly one state, and ResolveNow and Close add nothing.
func TestFixedResolvers(t *testing.T) {
	tests := []struct {
		raw  string
		want []resolver.Address
	}{
		{"passthrough:///localhost:50051", []resolver.Address{{Addr: "localhost:50051"}}},
		{"passthrough:10.0.0.1:80", []resolver.Address{{Addr: "10.0.0.1:80"}}},
		{"passthrough:///[::1]:80", []resolver.Address{{Addr: "[::1]:80"}}},
		{"unix:///tmp/a.sock", []resolver.Address{{Addr: "/tmp/a.sock", Network: "unix"}}},
		{"unix:/tmp/a.sock", []resolver.Address{{Addr: "/tmp/a.sock", Network: "unix"}}},
		{"unix:rel/a.sock", []resolver.Address{{Addr: "rel/a.sock", Network: "unix"}}},
		{"static:///a:1", []resolver.Address{{Addr: "a:1"}}},
		{"static:///a:1,10.0.0.2:2,[::1]:3", []resolver.Address{{Addr: "a:1"}, {Addr: "10.0.0.2:2"}, {Addr: "[::1]:3"}}},
		{"static:a:1, b:2", []resolver.Address{{Addr: "a:1"}, {Addr: "b:2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r, cc, err := build(t, tt.raw)
			require.NoError(t, err)
			assert.Equal(t, resolver.State{Addresses: tt.want}, cc.PendingState(t))
			r.ResolveNow()
			r.Close()
			cc.NothingPending(t)
		})
	}
}

func TestFixedResolversRejectBadTargets(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		{"passthrough:///", "no address"},
		{"unix://host/tmp/a.sock", `authority "host"`},
		{"unix:", "no socket path"},
		{"static:///", "no addresses"},
		{"static:/// , ", "entry 1 is empty"},
		{"static:///a:1,,b:2", "entry 2 is empty"},
		{"static:///a:1,b", `entry 2 ("b") is not "host:port"`},
		{"static:///a:", `entry 1 ("a:") is not "host:port"`},
		{"static://auth/a:1", `authority "auth"`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r, cc, err := build(t, tt.raw)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), tt.raw, "the error names the target")
			cc.NothingPending(t)
		})
	}
}

// TestFixedResolverIgnoresClosedChannel: a channel that closed during
// Build is not an error of the resolver's.
func TestFixedResolverIgnoresClosedChannel(t *testing.T) {
	target, err := resolver.ParseTarget("passthrough:///a:1", nil)
	require.NoError(t, err)
	cc := resolvertest.NewClosedClientConn(t)
	r, err := resolver.Get("passthrough").Build(target, cc, resolver.BuildOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a:1"}, resolvertest.Addrs(cc.NextState(t)))
	r.Close()
}
