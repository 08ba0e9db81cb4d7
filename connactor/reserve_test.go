package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBudgetReserveLeavesAsDataFills(t *testing.T) {
	b := newConnBudget(200)
	require.True(t, b.reserve(1, 60, true))
	require.Equal(t, int64(60), b.reservedTotal)
	require.Zero(t, b.held, "held counts bytes that arrived")
	b.fill(1, 50)
	require.Equal(t, int64(10), b.reservedTotal)
	b.fill(1, 15)
	require.Zero(t, b.reservedTotal)
	_, left := b.reserved[1]
	require.False(t, left, "the reservation is used up")
}

func TestBudgetReserveRefusedWithoutRoom(t *testing.T) {
	b := newConnBudget(200)
	require.True(t, b.reserve(1, 60, true))
	require.False(t, b.reserve(3, 50, true), "60 + 50 is over half of 200")
	require.False(t, b.reserve(5, 10, false), "a stream the connection no longer has")
	b.unreserve(1)
	require.True(t, b.reserve(3, 50, true), "an ended stream's reservation went back")
	off := newConnBudget(0)
	require.False(t, off.reserve(1, 10, true), "no budget: nothing to reserve against")
}

func TestBudgetReserveReplacesWhatIsLeft(t *testing.T) {
	b := newConnBudget(200)
	require.True(t, b.reserve(1, 60, true))
	b.fill(1, 20)
	require.True(t, b.reserve(1, 80, true), "the 40 left of the last one go back first")
	require.Equal(t, int64(80), b.reservedTotal)
	require.Equal(t, int64(80), b.reserved[1])
}
