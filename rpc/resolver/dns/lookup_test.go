package dns_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/dns"
	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// buildWithLookup starts a dns resolver for raw that looks up through f.
func buildWithLookup(t *testing.T, raw string, f *fakeLookup, cc resolver.ClientConn) resolver.Resolver {
	t.Helper()
	target, err := resolver.ParseTarget(raw, nil)
	require.NoError(t, err)
	r, err := dns.NewBuilder(dns.WithLookup(f.lookup), dns.WithMinResolutionInterval(interval)).
		Build(target, cc, resolver.BuildOptions{})
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

func TestRegisteredForDNS(t *testing.T) {
	b := resolver.Get("dns")
	require.NotNil(t, b, "importing package dns registers the dns scheme")
	assert.Equal(t, "dns", b.Scheme())
}

func TestLookupDefaultPortAndIPv6(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	buildWithLookup(t, "example.com", f, cc)

	call := f.next(t)
	assert.Equal(t, "example.com", call.host)
	deadline, ok := call.ctx.Deadline()
	require.True(t, ok, "a lookup is bounded by a timeout")
	assert.LessOrEqual(t, time.Until(deadline), 10*time.Second)
	call.answer("10.1.1.1", "2001:db8::1")
	assert.Equal(t, resolver.State{Addresses: []resolver.Address{
		{Addr: "10.1.1.1:443"}, {Addr: "[2001:db8::1]:443"},
	}}, cc.NextState(t))
}

// TestLookupIgnoresAuthority: WithLookup replaces the whole lookup, so
// the server named in the target is not dialled.
func TestLookupIgnoresAuthority(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	buildWithLookup(t, "dns://192.0.2.1:53/backend.test:8080", f, cc)
	call := f.next(t)
	assert.Equal(t, "backend.test", call.host)
	call.answer("10.0.0.9")
	assert.Equal(t, []string{"10.0.0.9:8080"}, resolvertest.Addrs(cc.NextState(t)))
}

func TestIPLiteralNeedsNoLookup(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"10.0.0.1:80", "10.0.0.1:80"},
		{"dns:///10.0.0.1", "10.0.0.1:443"},
		{"dns:///[::1]:80", "[::1]:80"},
		{"dns:///::1", "[::1]:443"},
		{"dns://192.0.2.1/[2001:db8::1]", "[2001:db8::1]:443"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			f := newFakeLookup()
			cc := resolvertest.NewClientConn(t)
			r := buildWithLookup(t, tt.raw, f, cc)
			// Build pushed the state before returning: no goroutine.
			assert.Equal(t, []string{tt.want}, resolvertest.Addrs(cc.PendingState(t)))
			r.ResolveNow()
			r.Close()
			cc.NothingPending(t)
			select {
			case c := <-f.calls:
				t.Fatalf("an IP literal was looked up: %q", c.host)
			default:
			}
		})
	}
}

func TestBadTargets(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"dns:///", "no host"},
		{"dns:///example.com:", "ends with a colon"},
		{"dns:///a:b:c", `not "host:port"`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			target, err := resolver.ParseTarget(tt.raw, nil)
			require.NoError(t, err)
			r, err := dns.NewBuilder().Build(target, resolvertest.NewClientConn(t), resolver.BuildOptions{})
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), tt.raw, "the error names the target")
		})
	}
	target, err := resolver.ParseTarget("example.com", nil)
	require.NoError(t, err)
	_, err = dns.NewBuilder(dns.WithMinResolutionInterval(-time.Second)).Build(target, resolvertest.NewClientConn(t), resolver.BuildOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must be positive")
}

// TestFailureRetriesAfterBackoff: a failed lookup is reported, wrapping
// its cause, and retried once the backoff (here the interval) has passed,
// with no ResolveNow.
func TestFailureRetriesAfterBackoff(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	buildWithLookup(t, "backend.test:1", f, cc)

	cause := errors.New("no route to the DNS server")
	call := f.next(t)
	failedAt := time.Now() // before the resolver can start its backoff
	call.fail(cause)
	err := cc.NextError(t)
	assert.ErrorIs(t, err, cause)
	assert.Contains(t, err.Error(), `"backend.test"`)

	retry := f.next(t)
	assert.GreaterOrEqual(t, time.Since(failedAt), interval, "retried before the backoff")
	retry.answer("10.0.0.1")
	assert.Equal(t, []string{"10.0.0.1:1"}, resolvertest.Addrs(cc.NextState(t)))
}

// TestResolveNowDuringBackoffAddsNoLookup: the retry is already scheduled,
// so requests meanwhile are absorbed by it.
func TestResolveNowDuringBackoffAddsNoLookup(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	r := buildWithLookup(t, "backend.test:1", f, cc)
	f.next(t).fail(errors.New("temporary"))
	cc.NextError(t)
	r.ResolveNow()
	r.ResolveNow()
	f.next(t).answer("10.0.0.1")
	cc.NextState(t)
	f.none(t, 2*interval)
}

func TestBadLookupResults(t *testing.T) {
	tests := []struct {
		name string
		ips  []string
		want string
	}{
		{"empty", nil, "found no addresses"},
		{"not an IP", []string{"10.0.0.1", "10.0.0.2:80"}, `gave "10.0.0.2:80", which is not an IP address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLookup()
			cc := resolvertest.NewClientConn(t)
			buildWithLookup(t, "backend.test:1", f, cc)
			f.next(t).answer(tt.ips...)
			assert.Contains(t, cc.NextError(t).Error(), tt.want)
		})
	}
}

// TestCloseCancelsLookup: Close does not wait for a slow lookup; it
// cancels it and returns once the actor has ended.
func TestCloseCancelsLookup(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	r := buildWithLookup(t, "backend.test:1", f, cc)
	call := f.next(t) // never answered

	closed := make(chan struct{})
	go func() {
		r.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatal("Close did not return while a lookup was in flight")
	}
	assert.ErrorIs(t, call.ctx.Err(), context.Canceled)
	cc.NothingPending(t)
}

// TestClosedChannelEndsResolver: once UpdateState says the channel has
// closed, the resolver looks up nothing more.
func TestClosedChannelEndsResolver(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClosedClientConn(t)
	r := buildWithLookup(t, "backend.test:1", f, cc)
	f.next(t).answer("10.0.0.1")
	cc.NextState(t)
	r.ResolveNow()
	f.none(t, 2*interval)
}

// TestBuildOptionsInterval: the channel's MinResolutionInterval rules
// when no option is given.
func TestBuildOptionsInterval(t *testing.T) {
	f := newFakeLookup()
	cc := resolvertest.NewClientConn(t)
	target, err := resolver.ParseTarget("backend.test:1", nil)
	require.NoError(t, err)
	r, err := dns.NewBuilder(dns.WithLookup(f.lookup)).
		Build(target, cc, resolver.BuildOptions{MinResolutionInterval: interval})
	require.NoError(t, err)
	defer r.Close()

	call := f.next(t)
	first := time.Now() // before the resolver can note its lookup's end
	call.answer("10.0.0.1")
	cc.NextState(t)
	r.ResolveNow()
	f.next(t).answer("10.0.0.2")
	assert.GreaterOrEqual(t, time.Since(first), interval)
	assert.Less(t, time.Since(first), dns.DefaultMinResolutionInterval, "the default interval was used")
	assert.Equal(t, []string{"10.0.0.2:1"}, resolvertest.Addrs(cc.NextState(t)))
}

// TestSystemLookup uses the registered builder and the system's resolver
// on a name every host knows without asking a DNS server.
func TestSystemLookup(t *testing.T) {
	target, err := resolver.ParseTarget("localhost:1", nil)
	require.NoError(t, err)
	cc := resolvertest.NewClientConn(t)
	r, err := resolver.Get("dns").Build(target, cc, resolver.BuildOptions{})
	require.NoError(t, err)
	defer r.Close()
	addrs := resolvertest.Addrs(cc.NextState(t))
	require.NotEmpty(t, addrs)
	for _, a := range addrs {
		ap, err := netip.ParseAddrPort(a)
		require.NoError(t, err, "address %q", a)
		assert.True(t, ap.Addr().IsLoopback(), "localhost resolved to %s", a)
		assert.Equal(t, uint16(1), ap.Port())
	}
}
