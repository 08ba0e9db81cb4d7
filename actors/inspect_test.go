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
	require.Equal(t, Info{Name: "plain", Running: true, MailboxDepth: -1}, info)
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
	}, WithMailbox(func() int { return len(inbox) }))
	info := r.Inspect(context.Background())
	require.True(t, info.Running)
	require.Equal(t, 3, info.MailboxDepth)
	require.Nil(t, info.ExitReason)
	inbox <- 3
	require.Equal(t, 4, r.Inspect(context.Background()).MailboxDepth)
	close(release)
	waitDone(t, r)
}

func TestInspectStateViaProbe(t *testing.T) {
	probe := make(chan chan<- string)
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
	probe := make(chan chan<- string) // the actor never reads it
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
		WithMailbox(func() int { return 5 }))
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
	full := make(chan string, 1)
	full <- "old"
	Probe(full, "new") // must not block on a full reply channel
	require.Equal(t, "old", <-full)
	Probe(full, "again")
	require.Equal(t, "again", <-full)
}
