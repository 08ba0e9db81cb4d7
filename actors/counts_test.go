package actors

import (
	"context"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// An actor that keeps a tally hands a copy of it with its answer; the
// reader sees the totals as they were when the actor answered.
func TestInspectCountsViaAnswer(t *testing.T) {
	probe := make(chan chan<- Report)
	work := make(chan int)
	out := make(chan int, 8)
	before := time.Now()
	r := Spawn(context.Background(), "counter", func(ctx context.Context) error {
		counts := StartCounts()
		for {
			select {
			case n := <-work:
				counts.In++
				out <- n
				counts.Out++
			case reply := <-probe:
				Answer(reply, Report{State: "busy", Counts: counts})
			case <-ctx.Done():
				return nil
			}
		}
	}, WithProbe(probe))
	for i := range 3 {
		work <- i
	}
	info := r.Inspect(context.Background())
	require.True(t, info.Counts.Counted())
	require.Equal(t, uint64(3), info.Counts.In)
	require.Equal(t, uint64(3), info.Counts.Out)
	require.False(t, info.Counts.Since.Before(before))
	require.Equal(t, "busy", info.State)
	require.Same(t, r, info.Ref)
	r.Stop()
	waitDone(t, r)
}

// An actor that keeps no tally says so: Counted is false.
func TestInspectWithoutCounts(t *testing.T) {
	probe := make(chan chan<- Report)
	r := Spawn(context.Background(), "quiet", func(ctx context.Context) error {
		for {
			select {
			case reply := <-probe:
				Probe(reply, "idle")
			case <-ctx.Done():
				return nil
			}
		}
	}, WithProbe(probe))
	info := r.Inspect(context.Background())
	require.False(t, info.Counts.Counted())
	require.Equal(t, -1, info.MailboxCap)
	r.Stop()
	waitDone(t, r)
}

// A Ref is held for every stream's whole life: what Inspect shows (the
// mailbox's capacity, the tally, the age) lives in the actor and its
// answers, not in the Ref, which stays one 64-byte size class.
func TestRefStays64Bytes(t *testing.T) {
	require.Equal(t, uintptr(64), unsafe.Sizeof(Ref{}))
}
