package actors

import (
	"context"
	"errors"
	"fmt"
)

// ErrStopped is the exit reason of an actor whose run returned nil after
// being stopped; it lets a supervisor tell a stop from a crash.
var ErrStopped = errors.New("actor stopped")

// Ref is the handle to a running actor. Its methods are safe to call from
// any goroutine: they only touch channels and values fixed at spawn time,
// or the exit reason, which is written once before done is closed.
type Ref struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{}
	err    error // written once by the actor's goroutine before done closes
	// mailbox measures the actor's mailbox (nil: it declared none). One
	// func gives both figures, so that the capacity costs a Ref nothing.
	mailbox func() (depth, capacity int)
	probe   chan chan<- Report // from: Inspect's asker; blocks (bounded by its ctx)
}

// Option configures Spawn.
type Option func(*Ref, *spawnConfig)

// spawnConfig is what options set that only the actor's goroutine reads:
// it goes to the goroutine as an argument, not into the Ref, which every
// stream's actors keep for their whole life (a Ref is 64 bytes).
type spawnConfig struct {
	onExit  []func(name string, err error)
	repanic bool
}

// OnExit registers a supervisor: fn runs on the actor's goroutine after run
// returns and before Done is closed, with the exit reason. It must not
// block for long; a parent usually forwards the news into its own mailbox.
func OnExit(fn func(name string, err error)) Option {
	return func(_ *Ref, c *spawnConfig) { c.onExit = append(c.onExit, fn) }
}

// WithMailbox lets Info report the actor's mailbox: how many messages wait
// in it and how many it holds. fn must be safe to call from any goroutine
// (len and cap of a channel are):
//
//	actors.WithMailbox(func() (int, int) { return len(inbox), cap(inbox) })
func WithMailbox(fn func() (depth, capacity int)) Option {
	return func(r *Ref, _ *spawnConfig) { r.mailbox = fn }
}

// WithProbe gives the actor a channel on which Inspect asks it to describe
// its state; the actor serves it from its own loop (see Probe).
func WithProbe(probe chan chan<- Report) Option {
	return func(r *Ref, _ *spawnConfig) { r.probe = probe }
}

// Repanic lets a panic in run crash the process, with the stack of the
// original panic; Done still closes on the way, but no exit reason is
// recorded and OnExit does not run. It is for code whose owner asked for
// the crash.
func Repanic() Option { return repanic }

func repanic(_ *Ref, c *spawnConfig) { c.repanic = true }

// Spawn starts run on a new goroutine under parent. The actor's context
// ends when Stop is called or parent ends.
func Spawn(parent context.Context, name string, run func(ctx context.Context) error, opts ...Option) *Ref {
	return spawn(parent, name, run, nil, opts)
}

// Runner is an actor's body as a value: an actor spawned once per call
// keeps what it needs in the Runner, so that spawning it costs no closure
// on top.
type Runner interface {
	Run(ctx context.Context) error
}

// SpawnRunner is Spawn with the body as a Runner.
func SpawnRunner(parent context.Context, name string, body Runner, opts ...Option) *Ref {
	return spawn(parent, name, nil, body, opts)
}

// spawn starts fn, or else body, as the actor (no wrapper between them and
// run: every frame counts on an idle actor's stack).
func spawn(parent context.Context, name string, fn func(context.Context) error, body Runner, opts []Option) *Ref {
	ctx, cancel := context.WithCancel(parent)
	r := &Ref{name: name, cancel: cancel, done: make(chan struct{})}
	var cfg spawnConfig
	for _, o := range opts {
		o(r, &cfg)
	}
	go r.run(ctx, fn, body, cfg)
	return r
}

// run is the actor's goroutine. Its frame and the body's are all an idle
// actor has on its stack (exit runs only on the way out), which keeps a
// parked actor's stack small.
func (r *Ref) run(ctx context.Context, fn func(context.Context) error, body Runner, cfg spawnConfig) {
	var err error
	defer r.exit(ctx, &err, cfg)
	if fn != nil {
		err = fn(ctx)
	} else {
		err = body.Run(ctx)
	}
}

// exit ends the actor, as run's deferred call: it turns a panic in body
// into the exit reason (so that the supervisor hears of it instead of the
// process dying silently elsewhere), records the reason, tells the
// supervisors, and closes Done. With repanic it panics again from here,
// so the crash still shows the stack of the original panic; Done still
// closes on the way.
func (r *Ref) exit(ctx context.Context, errp *error, cfg spawnConfig) {
	defer close(r.done)
	defer r.cancel()
	if p := recover(); p != nil {
		if cfg.repanic {
			panic(p)
		}
		*errp = &PanicError{Value: p}
	}
	err := *errp
	if err == nil && ctx.Err() != nil {
		err = ErrStopped
	}
	r.err = err
	for _, fn := range cfg.onExit {
		fn(r.name, err)
	}
}

// PanicError is the exit reason of an actor whose run panicked.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("actor panicked: %v", e.Value) }

// Name is the name the actor was spawned with.
func (r *Ref) Name() string { return r.name }

// Stop asks the actor to end by cancelling its context. It does not wait;
// use Done for that.
func (r *Ref) Stop() { r.cancel() }

// Done is closed when the actor has ended.
func (r *Ref) Done() <-chan struct{} { return r.done }

// Err is the exit reason; it is only meaningful after Done is closed
// (nil: the actor finished its work; ErrStopped: it was stopped).
func (r *Ref) Err() error {
	select {
	case <-r.done:
		return r.err
	default:
		return nil
	}
}

// Wait blocks until the actor ends and returns its exit reason.
func (r *Ref) Wait() error {
	<-r.done
	return r.err
}
