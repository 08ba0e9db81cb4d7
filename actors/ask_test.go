package actors

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type question struct {
	n     int
	reply chan<- int
}

// doubler answers every question with twice its number; it ignores those
// with n < 0 and ends on n == 0 without answering.
func doubler(inbox chan question) func(context.Context) error {
	return func(ctx context.Context) error {
		for {
			select {
			case q := <-inbox:
				switch {
				case q.n == 0:
					return nil
				case q.n > 0:
					q.reply <- 2 * q.n
				}
			case <-ctx.Done():
				return nil
			}
		}
	}
}

func ask(ctx context.Context, inbox chan question, gone <-chan struct{}, n int) (int, error) {
	return Ask(ctx, inbox, gone, func(reply chan<- int) question { return question{n: n, reply: reply} })
}

func TestAskGetsReply(t *testing.T) {
	inbox := make(chan question)
	r := Spawn(context.Background(), "doubler", doubler(inbox))
	defer func() { r.Stop(); <-r.Done() }()
	for i := 1; i <= 10; i++ {
		got, err := ask(context.Background(), inbox, r.Done(), i)
		require.NoError(t, err)
		require.Equal(t, 2*i, got)
	}
}

func TestAskTimeout(t *testing.T) {
	inbox := make(chan question)
	r := Spawn(context.Background(), "doubler", doubler(inbox))
	defer func() { r.Stop(); <-r.Done() }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	got, err := ask(ctx, inbox, r.Done(), -1) // delivered, never answered
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, got)
}

func TestAskCancelledBeforeDelivery(t *testing.T) {
	inbox := make(chan question) // nobody reads
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ask(ctx, inbox, make(chan struct{}), 1)
	require.ErrorIs(t, err, context.Canceled)
}

func TestAskGoneWithoutReply(t *testing.T) {
	inbox := make(chan question)
	r := Spawn(context.Background(), "doubler", doubler(inbox))
	got, err := ask(context.Background(), inbox, r.Done(), 0) // ends on it
	require.ErrorIs(t, err, ErrGone)
	require.Zero(t, got)
	waitDone(t, r)
}

func TestAskGoneBeforeDelivery(t *testing.T) {
	inbox := make(chan question) // unbuffered: no delivery without a reader
	r := Spawn(context.Background(), "done", func(context.Context) error { return nil })
	waitDone(t, r)
	_, err := ask(context.Background(), inbox, r.Done(), 1)
	require.ErrorIs(t, err, ErrGone)
}

func TestAskReplyDoesNotBlockActorWhenCallerGaveUp(t *testing.T) {
	// The caller gives up after its request was delivered; the actor
	// answers later and must not block on the abandoned reply channel.
	inbox := make(chan question)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	answered := make(chan struct{})
	r := Spawn(context.Background(), "late", func(context.Context) error {
		q := <-inbox
		cancel() // the caller gives up
		<-release
		q.reply <- 1
		close(answered)
		return nil
	})
	_, err := ask(ctx, inbox, r.Done(), 1)
	require.ErrorIs(t, err, context.Canceled)
	close(release)
	select {
	case <-answered:
	case <-time.After(waitTimeout):
		t.Fatal("the actor blocked answering a caller that gave up")
	}
	waitDone(t, r)
}

// replyThenGoneCtx is a context whose Done, once the request has been
// delivered (when Ask evaluates the cases of its second select), makes the
// actor answer and then end: at that select the reply is waiting and gone
// is closed.
type replyThenGoneCtx struct {
	context.Context
	delivered func() bool
	onAsk     func()
}

func (c *replyThenGoneCtx) Done() <-chan struct{} {
	if c.delivered() {
		c.onAsk()
	}
	return nil
}

// TestAskPrefersReplyOverGone: ErrGone means "the actor ended before it
// replied". An actor that replies and then ends (a final answer before
// shutting down) must have its reply delivered, not lost to ErrGone.
//
// KNOWN BUG (actors/ask.go:26-31): the second select picks at random among
// reply and gone when both are ready, so Ask returns ErrGone about half of
// the time although the reply is there. This test fails until Ask checks
// reply before reporting ErrGone.
func TestAskPrefersReplyOverGone(t *testing.T) {
	lost := 0
	for range 100 {
		inbox := make(chan question, 1)
		gone := make(chan struct{})
		answer := sync.OnceFunc(func() {
			q := <-inbox
			q.reply <- 2 * q.n
			close(gone)
		})
		// Should Ask not call ctx.Done after delivering, answer anyway so
		// that the test cannot hang.
		watchdog := time.AfterFunc(waitTimeout, answer)
		ctx := &replyThenGoneCtx{
			Context:   context.Background(),
			delivered: func() bool { return len(inbox) == 1 },
			onAsk:     answer,
		}
		got, err := Ask(ctx, inbox, gone, func(reply chan<- int) question { return question{n: 21, reply: reply} })
		watchdog.Stop()
		if errors.Is(err, ErrGone) {
			lost++
			continue
		}
		require.NoError(t, err)
		require.Equal(t, 42, got)
	}
	require.Zero(t, lost, "Ask returned ErrGone although the actor had replied (in %d of 100 calls)", lost)
}
