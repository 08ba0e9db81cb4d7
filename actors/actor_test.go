package actors

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitTimeout bounds every wait for an event that must happen.
const waitTimeout = 5 * time.Second

func waitDone(t *testing.T, r *Ref) {
	t.Helper()
	select {
	case <-r.Done():
	case <-time.After(waitTimeout):
		t.Fatalf("actor %q did not end", r.Name())
	}
}

func TestSpawnRunsAndDoneCloses(t *testing.T) {
	ran := make(chan struct{})
	release := make(chan struct{})
	r := Spawn(context.Background(), "worker", func(ctx context.Context) error {
		close(ran)
		<-release
		return nil
	})
	require.Equal(t, "worker", r.Name())
	select {
	case <-ran:
	case <-time.After(waitTimeout):
		t.Fatal("run was not started")
	}
	select {
	case <-r.Done():
		t.Fatal("Done closed while run is still running")
	default:
	}
	require.NoError(t, r.Err(), "Err before the end is nil")
	close(release)
	waitDone(t, r)
	require.NoError(t, r.Err())
	require.NoError(t, r.Wait())
}

func TestErrFinishedIsNil(t *testing.T) {
	r := Spawn(context.Background(), "a", func(context.Context) error { return nil })
	require.NoError(t, r.Wait())
	require.NoError(t, r.Err())
}

func TestErrStopped(t *testing.T) {
	r := Spawn(context.Background(), "a", func(ctx context.Context) error {
		<-ctx.Done()
		return nil
	})
	r.Stop()
	waitDone(t, r)
	require.ErrorIs(t, r.Err(), ErrStopped)
	require.ErrorIs(t, r.Wait(), ErrStopped)
	r.Stop() // idempotent after the end
}

func TestErrReturnedError(t *testing.T) {
	boom := errors.New("boom")
	r := Spawn(context.Background(), "a", func(context.Context) error { return boom })
	waitDone(t, r)
	require.ErrorIs(t, r.Err(), boom)
}

func TestErrReturnedErrorAfterStopIsKept(t *testing.T) {
	// A non-nil return is the exit reason even when the actor was stopped.
	boom := errors.New("cleanup failed")
	r := Spawn(context.Background(), "a", func(ctx context.Context) error {
		<-ctx.Done()
		return boom
	})
	r.Stop()
	waitDone(t, r)
	require.ErrorIs(t, r.Err(), boom)
	require.NotErrorIs(t, r.Err(), ErrStopped)
}

func TestPanicBecomesExitReason(t *testing.T) {
	r := Spawn(context.Background(), "p", func(context.Context) error { panic("kaboom") })
	waitDone(t, r)
	err := r.Err()
	require.Error(t, err)
	require.Contains(t, err.Error(), "panicked")
	require.Contains(t, err.Error(), "kaboom")
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "kaboom", pe.Value)
}

// TestRepanicCrashes runs itself in a child process, whose actor spawned
// with Repanic must take the process down with the original panic.
func TestRepanicCrashes(t *testing.T) {
	if os.Getenv("ACTORS_REPANIC_CHILD") == "1" {
		r := Spawn(context.Background(), "p", func(context.Context) error { panic("let it crash") }, Repanic())
		<-r.Done()
		select {} // the panic ends the process before this blocks for long
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRepanicCrashes$")
	cmd.Env = append(os.Environ(), "ACTORS_REPANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the child process must crash: %s", out)
	require.Contains(t, string(out), "let it crash")
	require.Contains(t, string(out), "TestRepanicCrashes.func", "the crash shows where the panic was raised")
}

func TestOnExitHook(t *testing.T) {
	boom := errors.New("boom")
	type exit struct {
		name string
		err  error
	}
	exits := make(chan exit, 2)
	release := make(chan struct{})
	r := Spawn(context.Background(), "child", func(context.Context) error {
		<-release
		return boom
	},
		OnExit(func(name string, err error) { exits <- exit{name, err} }),
		OnExit(func(name string, err error) { exits <- exit{name + "#2", err} }),
	)
	close(release)
	waitDone(t, r)
	// Both hooks ran, in order, before Done closed: both are already there.
	require.Len(t, exits, 2)
	e := <-exits
	require.Equal(t, "child", e.name)
	require.ErrorIs(t, e.err, boom)
	e = <-exits
	require.Equal(t, "child#2", e.name)
	require.ErrorIs(t, e.err, boom)
}

func TestOnExitSeesDoneNotYetClosed(t *testing.T) {
	var r *Ref
	ready := make(chan struct{})
	doneAtHook := make(chan bool, 1)
	r = Spawn(context.Background(), "a", func(context.Context) error {
		<-ready
		return nil
	}, OnExit(func(string, error) {
		select {
		case <-r.Done():
			doneAtHook <- true
		default:
			doneAtHook <- false
		}
	}))
	close(ready) // r is assigned by now
	waitDone(t, r)
	require.False(t, <-doneAtHook, "OnExit must run before Done closes")
}

func TestOnExitPanicAndStop(t *testing.T) {
	got := make(chan error, 2)
	hook := OnExit(func(_ string, err error) { got <- err })

	p := Spawn(context.Background(), "p", func(context.Context) error { panic(errors.New("bad")) }, hook)
	waitDone(t, p)
	err := <-got
	require.Error(t, err)
	require.Contains(t, err.Error(), "bad")

	s := Spawn(context.Background(), "s", func(ctx context.Context) error { <-ctx.Done(); return nil }, hook)
	s.Stop()
	waitDone(t, s)
	require.ErrorIs(t, <-got, ErrStopped)
}

func TestParentCancelStopsChild(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	child := Spawn(parent, "child", func(ctx context.Context) error {
		<-ctx.Done()
		return nil
	})
	cancel()
	waitDone(t, child)
	require.ErrorIs(t, child.Err(), ErrStopped)
}

func TestActorTreeEndsWithParentActor(t *testing.T) {
	childRef := make(chan *Ref, 1)
	parent := Spawn(context.Background(), "parent", func(ctx context.Context) error {
		c := Spawn(ctx, "child", func(ctx context.Context) error {
			<-ctx.Done()
			return nil
		})
		childRef <- c
		<-ctx.Done()
		<-c.Done()
		return nil
	})
	child := <-childRef
	parent.Stop()
	waitDone(t, parent)
	waitDone(t, child)
	require.ErrorIs(t, child.Err(), ErrStopped)
	require.ErrorIs(t, parent.Err(), ErrStopped)
}

func TestContextCancelledAfterRunReturns(t *testing.T) {
	// An actor's context ends when the actor does, so anything it spawned
	// under it ends too.
	ctxc := make(chan context.Context, 1)
	r := Spawn(context.Background(), "a", func(ctx context.Context) error {
		ctxc <- ctx
		return nil
	})
	waitDone(t, r)
	ctx := <-ctxc
	require.Error(t, ctx.Err())
	require.NoError(t, r.Err(), "a finished actor is not reported as stopped")
}

func TestStopDoesNotAffectParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := Spawn(parent, "a", func(ctx context.Context) error { <-ctx.Done(); return nil })
	r.Stop()
	waitDone(t, r)
	require.NoError(t, parent.Err())
}

type countRunner struct{ runs chan int }

func (c countRunner) Run(context.Context) error { c.runs <- 1; return nil }

func TestSpawnRunner(t *testing.T) {
	c := countRunner{runs: make(chan int, 1)}
	r := SpawnRunner(context.Background(), "runner", c)
	require.NoError(t, r.Wait())
	require.Equal(t, 1, <-c.runs)
	require.Equal(t, "runner", r.Name())
}
