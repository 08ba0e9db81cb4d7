package dns_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/dns"
	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// interval is the minimum resolution interval of these tests: short, and
// long enough to tell "waited for it" from "did not".
const interval = 300 * time.Millisecond

// buildAgainst starts a dns resolver that asks srv for backend.test.
func buildAgainst(t *testing.T, srv *fakeDNS, cc resolver.ClientConn) resolver.Resolver {
	t.Helper()
	target, err := resolver.ParseTarget("dns://"+srv.addr()+"/backend.test:50051", nil)
	require.NoError(t, err)
	require.Equal(t, srv.addr(), target.Authority)
	r, err := dns.NewBuilder(dns.WithMinResolutionInterval(interval)).Build(target, cc, resolver.BuildOptions{})
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

func TestAsksTheAuthorityServer(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	cc := resolvertest.NewClientConn(t)
	buildAgainst(t, srv, cc)

	srv.nextQuery(t)
	assert.Equal(t, resolver.State{Addresses: []resolver.Address{{Addr: "10.0.0.1:50051"}}}, cc.NextState(t))
}

func TestResolveNowPicksUpNewAnswer(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	cc := resolvertest.NewClientConn(t)
	r := buildAgainst(t, srv, cc)
	assert.Equal(t, []string{"10.0.0.1:50051"}, resolvertest.Addrs(cc.NextState(t)))

	srv.setAnswers(t, "10.0.0.2", "10.0.0.3")
	r.ResolveNow()
	assert.ElementsMatch(t, []string{"10.0.0.2:50051", "10.0.0.3:50051"}, resolvertest.Addrs(cc.NextState(t)))
}

// TestResolveNowIsRateLimited: requests inside the minimum interval are
// one lookup, made only once the interval since the last one has passed.
func TestResolveNowIsRateLimited(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	cc := resolvertest.NewClientConn(t)
	r := buildAgainst(t, srv, cc)
	first := srv.nextQuery(t)
	cc.NextState(t)

	r.ResolveNow()
	r.ResolveNow()
	r.ResolveNow()
	second := srv.nextQuery(t)
	assert.GreaterOrEqual(t, second.Sub(first), interval, "the second lookup came before the minimum interval had passed")
	cc.NextState(t)

	// The three requests were one: nothing more is asked without another.
	srv.noQuery(t, 2*interval)
	cc.NothingPending(t)

	// The next request, now that the interval is over, is served.
	r.ResolveNow()
	srv.nextQuery(t)
	cc.NextState(t)
}

// TestFailedLookupIsReportedAndRetried: a failing server gives an error
// that names the host; the resolver retries by itself and recovers.
func TestFailedLookupIsReportedAndRetried(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	srv.setFail(true)
	cc := resolvertest.NewClientConn(t)
	buildAgainst(t, srv, cc)

	err := cc.NextError(t)
	assert.Contains(t, err.Error(), `looking up host "backend.test"`)
	assert.Contains(t, err.Error(), "retrying in")

	srv.setFail(false)
	// No ResolveNow: the retry comes on its own after the backoff.
	assert.Equal(t, []string{"10.0.0.1:50051"}, resolvertest.Addrs(cc.NextStateSkippingErrors(t)))
}

// TestCloseStopsLookups: after Close returns, the server hears nothing
// more, even when asked (goleak checks the goroutines at the end).
func TestCloseStopsLookups(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	cc := resolvertest.NewClientConn(t)
	r := buildAgainst(t, srv, cc)
	cc.NextState(t)
	r.ResolveNow() // a lookup is now waiting for the interval to pass
	r.Close()
	srv.drainQueries()
	r.ResolveNow() // never blocks, does nothing
	srv.noQuery(t, 2*interval)
	cc.NothingPending(t)
}

// TestCloseDuringSilentLookup: Close while Go's resolver waits for a
// server that never answers ends that wait at once: Close returns, and no
// goroutine is left reading until the query's deadline.
func TestCloseDuringSilentLookup(t *testing.T) {
	srv := startFakeDNS(t, "backend.test.", "10.0.0.1")
	srv.setSilent(true)
	before := goleak.IgnoreCurrent()
	cc := resolvertest.NewClientConn(t)
	r := buildAgainst(t, srv, cc)
	srv.nextQuery(t) // the lookup now waits for an answer
	start := time.Now()
	r.Close()
	// Go's resolver would otherwise wait for its query deadline (5 s
	// unless resolv.conf says otherwise), and Close with it.
	assert.Less(t, time.Since(start), 2*time.Second, "Close waited for the silent server's timeout")
	goleak.VerifyNone(t, before)
	cc.NothingPending(t)
}

func TestBadAuthority(t *testing.T) {
	target, err := resolver.ParseTarget("dns://127.0.0.1:/backend.test:50051", nil)
	require.NoError(t, err)
	_, err = dns.NewBuilder().Build(target, resolvertest.NewClientConn(t), resolver.BuildOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no usable DNS server")
	assert.Contains(t, err.Error(), "ends with a colon")
}
