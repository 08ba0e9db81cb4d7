// Package resolvertest holds what the tests of the resolvers under
// rpc/resolver share: a fake channel that records what a resolver tells
// it, so a test can wait for each state or error on a Go channel instead
// of sleeping.
package resolvertest

import (
	"errors"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc/resolver"
)

// WaitTimeout bounds every wait for something that must happen; it is
// generous because the race detector slows everything down.
const WaitTimeout = 10 * time.Second

// ErrClosed is what a ClientConn made by NewClosedClientConn returns from
// UpdateState, as a real channel does once it has closed.
var ErrClosed = errors.New("resolvertest: channel closed")

// recorded is how many events the fake keeps before the test takes them;
// more than that fails the test.
const recorded = 64

// Event is one call the resolver made: UpdateState (Err nil) or
// ReportError (Err set).
type Event struct {
	State resolver.State
	Err   error
}

// ClientConn is a fake resolver.ClientConn. Unlike a real channel it keeps
// every state and error, in the order they came, so a test sees each one.
// Like a real one it never blocks.
type ClientConn struct {
	events    chan Event
	overflow  chan struct{}
	updateErr error
}

// NewClientConn makes a fake channel; the test fails at its end if the
// resolver pushed more than the fake can keep.
func NewClientConn(t testing.TB) *ClientConn {
	return newClientConn(t, nil)
}

// NewClosedClientConn makes a fake channel that has closed: it records
// each state but UpdateState returns ErrClosed.
func NewClosedClientConn(t testing.TB) *ClientConn {
	return newClientConn(t, ErrClosed)
}

func newClientConn(t testing.TB, updateErr error) *ClientConn {
	c := &ClientConn{
		events:    make(chan Event, recorded),
		overflow:  make(chan struct{}, 1),
		updateErr: updateErr,
	}
	t.Cleanup(func() {
		select {
		case <-c.overflow:
			t.Errorf("resolvertest: the resolver made more than %d calls that the test never took", recorded)
		default:
		}
	})
	return c
}

// UpdateState records s; it never blocks.
func (c *ClientConn) UpdateState(s resolver.State) error {
	c.record(Event{State: s})
	return c.updateErr
}

// ReportError records err; it never blocks.
func (c *ClientConn) ReportError(err error) {
	if err == nil {
		err = errors.New("resolvertest: ReportError(nil)") // still seen, and surely wrong
	}
	c.record(Event{Err: err})
}

func (c *ClientConn) record(e Event) {
	select {
	case c.events <- e:
	default:
		select {
		case c.overflow <- struct{}{}:
		default:
		}
	}
}

// Events delivers what the resolver did, in order, for a test's select.
func (c *ClientConn) Events() <-chan Event { return c.events }

// next waits for the next event; the test fails after WaitTimeout.
func (c *ClientConn) next(t testing.TB, want string) Event {
	t.Helper()
	select {
	case e := <-c.events:
		return e
	case <-time.After(WaitTimeout):
		t.Fatalf("no %s from the resolver within %v", want, WaitTimeout)
		return Event{}
	}
}

// NextState waits for the next event and fails the test unless it is a
// state.
func (c *ClientConn) NextState(t testing.TB) resolver.State {
	t.Helper()
	e := c.next(t, "state")
	if e.Err != nil {
		t.Fatalf("resolver reported error %v while the test waited for a state", e.Err)
	}
	return e.State
}

// NextError waits for the next event and fails the test unless it is an
// error.
func (c *ClientConn) NextError(t testing.TB) error {
	t.Helper()
	e := c.next(t, "error")
	if e.Err == nil {
		t.Fatalf("resolver pushed state %+v while the test waited for an error", e.State)
	}
	return e.Err
}

// NextStateSkippingErrors waits for the next state, passing over errors
// reported meanwhile (a resolver retrying a failed lookup reports each
// failure); the test fails after WaitTimeout.
func (c *ClientConn) NextStateSkippingErrors(t testing.TB) resolver.State {
	t.Helper()
	deadline := time.After(WaitTimeout)
	for {
		select {
		case e := <-c.events:
			if e.Err == nil {
				return e.State
			}
		case <-deadline:
			t.Fatalf("no state from the resolver within %v", WaitTimeout)
			return resolver.State{}
		}
	}
}

// PendingState takes a state that is already there, failing the test if
// there is none: for what a resolver must have pushed before a call
// returned (Build's first state).
func (c *ClientConn) PendingState(t testing.TB) resolver.State {
	t.Helper()
	select {
	case e := <-c.events:
		if e.Err != nil {
			t.Fatalf("resolver reported error %v where a state was due", e.Err)
		}
		return e.State
	default:
		t.Fatal("no state pushed yet where one was due")
		return resolver.State{}
	}
}

// NoUpdate fails the test if the resolver calls the channel within d. It
// proves an absence, which only a bounded wait can.
func (c *ClientConn) NoUpdate(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case e := <-c.events:
		t.Fatalf("unexpected call from the resolver: %+v", e)
	case <-time.After(d):
	}
}

// NothingPending fails the test if a state or an error is waiting. For a
// resolver with no goroutine, whose calls are done when they return, this
// proves an absence without waiting.
func (c *ClientConn) NothingPending(t testing.TB) {
	t.Helper()
	if n := len(c.events); n > 0 {
		t.Fatalf("%d unexpected call(s) from the resolver, the first %+v", n, <-c.events)
	}
}

// Addrs lists the Addr of each address of s, for compact assertions.
func Addrs(s resolver.State) []string {
	out := make([]string, 0, len(s.Addresses))
	for _, a := range s.Addresses {
		out = append(out, a.Addr)
	}
	return out
}
