package actors

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInspectNoMailboxNoProbe(t *testing.T) {
	r := Spawn(context.Background(), "plain", func(ctx context.Context) error { <-ctx.Done(); return nil })
	info := r.Inspect(context.Background())
	require.Equal(t, Info{Ref: r, Name: "plain", Running: true, MailboxDepth: -1, MailboxCap: -1}, info)
	r.Stop()
	waitDone(t, r)
	info = r.Inspect(context.Background())
	require.False(t, info.Running)
	require.ErrorIs(t, info.ExitReason, ErrStopped)
	require.Equal(t, -1, info.MailboxDepth)
}

func TestInspectMailboxDepth(t *testing.T) {
	inbox := make(chan int, 8)
	for i := range 3 {
		inbox <- i
	}
	release := make(chan struct{})
	r := Spawn(context.Background(), "mb", func(ctx context.Context) error {
		<-release
		return nil
	}, WithMailbox(func() (int, int) { return len(inbox), cap(inbox) }))
	info := r.Inspect(context.Background())
	require.True(t, info.Running)
	require.Equal(t, 3, info.MailboxDepth)
	require.Equal(t, 8, info.MailboxCap)
	require.Nil(t, info.ExitReason)
	inbox <- 3
	require.Equal(t, 4, r.Inspect(context.Background()).MailboxDepth)
	close(release)
	waitDone(t, r)
}

func TestInspectStateViaProbe(t *testing.T) {
	probe := make(chan chan<- Report)
	incr := make(chan struct{})
	r := Spawn(context.Background(), "counter", func(ctx context.Context) error {
		n := 0
		for {
			select {
			case <-incr:
				n++
			case reply := <-probe:
				Probe(reply, fmt.Sprintf("count=%d", n))
			case <-ctx.Done():
				return nil
			}
		}
	}, WithProbe(probe))

	info := r.Inspect(context.Background())
	require.True(t, info.Running)
	require.Equal(t, "count=0", info.State)
	incr <- struct{}{}
	incr <- struct{}{}
	require.Equal(t, "count=2", r.Inspect(context.Background()).State)

	r.Stop()
	waitDone(t, r)
	info = r.Inspect(context.Background())
	require.False(t, info.Running)
	require.Empty(t, info.State, "an ended actor is not probed")
	require.ErrorIs(t, info.ExitReason, ErrStopped)
}

func TestInspectProbeNotServedIsBoundedByCtx(t *testing.T) {
	probe := make(chan chan<- Report) // the actor never reads it
	release := make(chan struct{})
	r := Spawn(context.Background(), "busy", func(context.Context) error { <-release; return nil }, WithProbe(probe))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	info := r.Inspect(ctx)
	require.True(t, info.Running)
	require.Empty(t, info.State)
	close(release)
	waitDone(t, r)
}

func TestInspectExitReasonAfterEnd(t *testing.T) {
	boom := errors.New("boom")
	r := Spawn(context.Background(), "failing", func(context.Context) error { return boom },
		WithMailbox(func() (int, int) { return 5, 16 }))
	waitDone(t, r)
	info := r.Inspect(context.Background())
	require.Equal(t, "failing", info.Name)
	require.False(t, info.Running)
	require.ErrorIs(t, info.ExitReason, boom)
	require.Equal(t, 5, info.MailboxDepth)

	ok := Spawn(context.Background(), "ok", func(context.Context) error { return nil })
	waitDone(t, ok)
	info = ok.Inspect(context.Background())
	require.False(t, info.Running)
	require.NoError(t, info.ExitReason)
}

func TestProbeNeverBlocks(t *testing.T) {
	full := make(chan Report, 1)
	full <- Report{State: "old"}
	Probe(full, "new") // must not block on a full reply channel
	require.Equal(t, "old", (<-full).State)
	Probe(full, "again")
	require.Equal(t, "again", (<-full).State)
}

// TestInspectWalksTheTree: a parent names its children from its own loop,
// and Inspect asks each of them in turn.
func TestInspectWalksTheTree(t *testing.T) {
	leaf := Spawn(context.Background(), "leaf", func(ctx context.Context) error { <-ctx.Done(); return nil })
	childProbe := make(chan chan<- Report)
	child := Spawn(context.Background(), "child", func(ctx context.Context) error {
		for {
			select {
			case reply := <-childProbe:
				Probe(reply, "child state", leaf)
			case <-ctx.Done():
				return nil
			}
		}
	}, WithProbe(childProbe))
	rootProbe := make(chan chan<- Report)
	root := Spawn(context.Background(), "root", func(ctx context.Context) error {
		for {
			select {
			case reply := <-rootProbe:
				Probe(reply, "root state", child, nil)
			case <-ctx.Done():
				return nil
			}
		}
	}, WithProbe(rootProbe))

	info := root.Inspect(context.Background())
	require.Equal(t, "root state", info.State)
	require.Len(t, info.Children, 1)
	require.Equal(t, "child state", info.Children[0].State)
	require.Len(t, info.Children[0].Children, 1)
	require.Equal(t, "leaf", info.Children[0].Children[0].Name)
	require.Equal(t, 3, info.Live())

	flat := Flatten(info)
	require.Len(t, flat, 3)
	for i, want := range []struct {
		name  string
		depth int
	}{{"root", 0}, {"child", 1}, {"leaf", 2}} {
		require.Equal(t, want.name, flat[i].Name)
		require.Equal(t, want.depth, flat[i].Depth)
	}

	leaf.Stop()
	waitDone(t, leaf)
	info = root.Inspect(context.Background())
	require.Equal(t, 2, info.Live(), "an ended child is listed, not counted")
	for _, r := range []*Ref{root, child} {
		r.Stop()
		waitDone(t, r)
	}
}
