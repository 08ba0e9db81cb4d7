package mailbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitTimeout bounds every wait for an event that must happen.
const waitTimeout = 5 * time.Second

func TestBoundedSendReceiveLenCap(t *testing.T) {
	m := NewBounded[int](3)
	require.Equal(t, 3, m.Cap())
	require.Equal(t, 0, m.Len())

	abort := make(chan struct{})
	for i := 1; i <= 3; i++ {
		require.True(t, m.Send(i, abort))
		require.Equal(t, i, m.Len())
	}
	require.Equal(t, 3, m.Cap(), "Cap must not change as messages wait")

	for i := 1; i <= 3; i++ {
		select {
		case got := <-m.Receive():
			require.Equal(t, i, got, "messages must come out in the order they were sent")
		default:
			t.Fatalf("message %d not available", i)
		}
		require.Equal(t, 3-i, m.Len())
	}
	select {
	case got := <-m.Receive():
		t.Fatalf("unexpected message %d from an empty mailbox", got)
	default:
	}
}

func TestBoundedCopiesShareChannel(t *testing.T) {
	m := NewBounded[string](1)
	c := m // Bounded is a value type; copies must talk through the same channel
	require.True(t, c.Send("x", nil))
	require.Equal(t, 1, m.Len())
	require.Equal(t, "x", <-m.Receive())
}

func TestBoundedSendAbortsWhenFull(t *testing.T) {
	m := NewBounded[int](1)
	abort := make(chan struct{})
	require.True(t, m.Send(1, abort))

	result := make(chan bool, 1)
	go func() { result <- m.Send(2, abort) }()

	// The sender must be waiting: the mailbox is full.
	select {
	case r := <-result:
		t.Fatalf("Send returned %v while the mailbox was full and abort open", r)
	default:
	}
	close(abort)
	select {
	case r := <-result:
		require.False(t, r, "Send must report false when abort closes")
	case <-time.After(waitTimeout):
		t.Fatal("Send did not return after abort closed")
	}
	require.Equal(t, 1, m.Len(), "an aborted Send must not deliver")
	require.Equal(t, 1, <-m.Receive())
}

func TestBoundedSendWaitsForRoom(t *testing.T) {
	m := NewBounded[int](1)
	require.True(t, m.Send(1, nil))

	result := make(chan bool, 1)
	go func() { result <- m.Send(2, nil) }()

	require.Equal(t, 1, <-m.Receive())
	select {
	case r := <-result:
		require.True(t, r)
	case <-time.After(waitTimeout):
		t.Fatal("Send did not complete once there was room")
	}
	require.Equal(t, 2, <-m.Receive())
}

func TestBoundedSendWithClosedAbortAndRoom(t *testing.T) {
	// With both room and a closed abort the outcome is either; whichever it
	// is, the return value must tell the truth about delivery.
	m := NewBounded[int](1)
	abort := make(chan struct{})
	close(abort)
	delivered := m.Send(7, abort)
	require.Equal(t, delivered, m.Len() == 1)
}
