package dns_test

import (
	"context"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// fakeLookup is a WithLookup function the test answers call by call.
type fakeLookup struct{ calls chan lookupCall }

type lookupCall struct {
	ctx   context.Context
	host  string
	reply chan lookupResult
}

type lookupResult struct {
	ips []string
	err error
}

func newFakeLookup() *fakeLookup { return &fakeLookup{calls: make(chan lookupCall)} }

// lookup hands the call to the test and waits for its answer, or for the
// context to end, as a real lookup must.
func (f *fakeLookup) lookup(ctx context.Context, host string) ([]string, error) {
	call := lookupCall{ctx: ctx, host: host, reply: make(chan lookupResult, 1)}
	select {
	case f.calls <- call:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-call.reply:
		return r.ips, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// next waits for the resolver's next lookup.
func (f *fakeLookup) next(t *testing.T) lookupCall {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatalf("no lookup within %v", resolvertest.WaitTimeout)
		return lookupCall{}
	}
}

// none fails the test if a lookup starts within d.
func (f *fakeLookup) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-f.calls:
		t.Fatalf("unexpected lookup of %q", c.host)
	case <-time.After(d):
	}
}

func (c lookupCall) answer(ips ...string) { c.reply <- lookupResult{ips: ips} }
func (c lookupCall) fail(err error)       { c.reply <- lookupResult{err: err} }
