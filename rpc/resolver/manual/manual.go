// Package manual is a resolver a test drives: it pushes the states and
// errors the test gives it, and shows the test each ResolveNow the channel
// makes, so channel and balancer tests need no DNS.
//
// One Resolver serves one channel, once: it is both the Builder and the
// Resolver that Build returns, so make a new one for each channel.
package manual

import (
	"context"
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// Resolver is a resolver.Builder and the resolver.Resolver it builds.
//
// Its methods may be called from any goroutine, except InitialState
// (before the channel is made) and Build and Close (the channel's). What
// the test sends reaches the channel through an actor that Build starts,
// the one goroutine that calls the channel.
type Resolver struct {
	scheme  string
	initial *resolver.State // set by InitialState, read by Build
	// updates is unbuffered: UpdateState returns once the actor has taken
	// the state, and the actor hands it to the channel before it looks at
	// anything else, so a state given before Close reaches the channel.
	updates chan update
	// resolveNow has room for one: requests not yet seen by the test are
	// one, and the channel calling ResolveNow must never block.
	resolveNow chan struct{}
	// unbuilt holds a token until Build (or Close) takes it: so a second
	// Build, even from another goroutine, fails instead of starting a
	// second actor.
	unbuilt chan struct{}
	// done is closed when the actor has ended (or by Close if the
	// resolver was never built), to release callers waiting to hand over.
	done chan struct{}
	ref  *actors.Ref // set by Build; read by Close, which follows it
}

// update is one thing for the channel: a state, or an error when err is
// set.
type update struct {
	state resolver.State
	err   error
}

// NewBuilderWithScheme makes a manual resolver for targets of scheme; give
// it to the channel with rpc.WithResolvers (or resolver.Register from an
// init function).
func NewBuilderWithScheme(scheme string) *Resolver {
	r := &Resolver{
		scheme:     scheme,
		updates:    make(chan update),
		resolveNow: make(chan struct{}, 1),
		unbuilt:    make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	r.unbuilt <- struct{}{}
	return r
}

// Scheme is the scheme given to NewBuilderWithScheme.
func (r *Resolver) Scheme() string { return r.scheme }

// InitialState sets the state Build pushes. Call it before the channel is
// made: it is not synchronised with Build.
func (r *Resolver) InitialState(s resolver.State) { r.initial = &s }

// errAlreadyBuilt is returned by a second Build.
var errAlreadyBuilt = errors.New("this manual resolver was already built or closed: make one with NewBuilderWithScheme for each channel")

// Build pushes the initial state, if any, and starts the actor that
// forwards UpdateState and ReportError to cc. It fails if the resolver
// was built (or closed) before.
func (r *Resolver) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	select {
	case <-r.unbuilt:
	default:
		return nil, fmt.Errorf("manual: building target %q: %w", target.Raw, errAlreadyBuilt)
	}
	if r.initial != nil {
		// The error only says the channel has closed already.
		_ = cc.UpdateState(*r.initial)
	}
	r.ref = actors.Spawn(context.Background(), "manual resolver "+r.scheme,
		func(ctx context.Context) error { return r.run(ctx, cc) })
	return r, nil
}

// run is the actor: it hands each update to the channel, in the order
// the test gave them, until Close.
func (r *Resolver) run(ctx context.Context, cc resolver.ClientConn) error {
	defer close(r.done)
	for {
		select {
		case <-ctx.Done():
			return nil
		case u := <-r.updates:
			if u.err != nil {
				cc.ReportError(u.err)
				continue
			}
			// The error only says the channel has closed; it will Close
			// this resolver, and until then updates are dropped there.
			_ = cc.UpdateState(u.state)
		}
	}
}

// UpdateState gives the channel s. Called before Build, it waits for
// Build; after Close, it returns at once and s goes nowhere.
func (r *Resolver) UpdateState(s resolver.State) { r.send(update{state: s}) }

// ReportError tells the channel resolving failed, with err (nil is
// ignored: it would not be an error). It waits for Build as UpdateState
// does.
func (r *Resolver) ReportError(err error) {
	if err == nil {
		return
	}
	r.send(update{err: err})
}

func (r *Resolver) send(u update) {
	select {
	case r.updates <- u:
	case <-r.done:
	}
}

// ResolveNow is the channel asking for a resolution; the test sees it on
// ResolveNowRequests. It never blocks.
func (r *Resolver) ResolveNow() {
	select {
	case r.resolveNow <- struct{}{}:
	default:
	}
}

// ResolveNowRequests receives once for the ResolveNow calls made since the
// test last received (they coalesce).
func (r *Resolver) ResolveNowRequests() <-chan struct{} { return r.resolveNow }

// Close ends the actor and waits for it; callers waiting in UpdateState
// or ReportError return. Closing a resolver that was never built releases
// them too, and makes a later Build fail.
func (r *Resolver) Close() {
	select {
	case <-r.unbuilt:
		close(r.done)
		return
	default:
	}
	if r.ref == nil {
		return // closed before, never built
	}
	r.ref.Stop()
	<-r.ref.Done()
}

// Actor is the resolver's actor once built (nil before), which the channel
// lists in Inspect. Like Build, it is called on the channel's goroutine.
func (r *Resolver) Actor() *actors.Ref { return r.ref }
