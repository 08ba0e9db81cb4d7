package metadata

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOutgoingAbsent(t *testing.T) {
	md, ok := FromOutgoingContext(context.Background())
	assert.False(t, ok)
	assert.Nil(t, md)
}

func TestOutgoingRoundTripReturnsCopy(t *testing.T) {
	orig := Pairs("k", "v")
	ctx := NewOutgoingContext(context.Background(), orig)
	md, ok := FromOutgoingContext(ctx)
	require.True(t, ok)
	assert.Equal(t, orig, md)
	md["k"][0] = "changed"
	md.Set("x", "y")
	assert.Equal(t, MD{"k": {"v"}}, orig)
}

func TestOutgoingLowercasesHandBuiltMD(t *testing.T) {
	ctx := NewOutgoingContext(context.Background(), MD{"Mixed-Case": {"v"}})
	md, _ := FromOutgoingContext(ctx)
	assert.Equal(t, MD{"mixed-case": {"v"}}, md)
}

func TestAppendToOutgoingContext(t *testing.T) {
	base := NewOutgoingContext(context.Background(), Pairs("k", "base"))
	ctx1 := AppendToOutgoingContext(base, "K", "one", "other", "x")
	ctx2 := AppendToOutgoingContext(ctx1, "k", "two")

	md, ok := FromOutgoingContext(ctx2)
	require.True(t, ok)
	assert.Equal(t, MD{"k": {"base", "one", "two"}, "other": {"x"}}, md)

	// Parents are unaffected by appends on children.
	md1, _ := FromOutgoingContext(ctx1)
	assert.Equal(t, MD{"k": {"base", "one"}, "other": {"x"}}, md1)
	md0, _ := FromOutgoingContext(base)
	assert.Equal(t, MD{"k": {"base"}}, md0)

	// Sibling appends from the same parent do not see each other.
	sib := AppendToOutgoingContext(ctx1, "k", "sibling")
	mds, _ := FromOutgoingContext(sib)
	assert.Equal(t, []string{"base", "one", "sibling"}, mds["k"])
	md, _ = FromOutgoingContext(ctx2)
	assert.Equal(t, []string{"base", "one", "two"}, md["k"])
}

func TestAppendWithoutBase(t *testing.T) {
	ctx := AppendToOutgoingContext(context.Background(), "a", "1")
	md, ok := FromOutgoingContext(ctx)
	require.True(t, ok)
	assert.Equal(t, MD{"a": {"1"}}, md)
}

func TestNewOutgoingContextReplacesAppended(t *testing.T) {
	ctx := AppendToOutgoingContext(context.Background(), "a", "1")
	ctx = NewOutgoingContext(ctx, Pairs("b", "2"))
	md, _ := FromOutgoingContext(ctx)
	assert.Equal(t, MD{"b": {"2"}}, md)
}

func TestAppendToOutgoingContextPanicsOnOddCount(t *testing.T) {
	assert.PanicsWithValue(t,
		"metadata: AppendToOutgoingContext got an odd number of input pairs for metadata: 1",
		func() { AppendToOutgoingContext(context.Background(), "a") })
}

func TestIncoming(t *testing.T) {
	_, ok := FromIncomingContext(context.Background())
	assert.False(t, ok)
	assert.Nil(t, ValueFromIncomingContext(context.Background(), "k"))

	orig := MD{"k": {"v1", "v2"}, "Hand-Built": {"h"}}
	ctx := NewIncomingContext(context.Background(), orig)

	md, ok := FromIncomingContext(ctx)
	require.True(t, ok)
	assert.Equal(t, MD{"k": {"v1", "v2"}, "hand-built": {"h"}}, md)
	md["k"][0] = "changed"
	assert.Equal(t, "v1", orig["k"][0], "FromIncomingContext must return a copy")

	v := ValueFromIncomingContext(ctx, "k")
	assert.Equal(t, []string{"v1", "v2"}, v)
	v[0] = "changed"
	assert.Equal(t, "v1", orig["k"][0], "ValueFromIncomingContext must return a copy")

	assert.Equal(t, []string{"h"}, ValueFromIncomingContext(ctx, "hand-built"))
	assert.Equal(t, []string{"h"}, ValueFromIncomingContext(ctx, "HAND-BUILT"))
	assert.Nil(t, ValueFromIncomingContext(ctx, "missing"))
}

func TestIncomingAndOutgoingAreSeparate(t *testing.T) {
	ctx := NewIncomingContext(context.Background(), Pairs("in", "1"))
	_, ok := FromOutgoingContext(ctx)
	assert.False(t, ok, "received metadata must not be forwarded implicitly")

	ctx = NewOutgoingContext(context.Background(), Pairs("out", "1"))
	_, ok = FromIncomingContext(ctx)
	assert.False(t, ok)
}

func TestValueFromOutgoingContext(t *testing.T) {
	assert.Nil(t, ValueFromOutgoingContext(context.Background(), "k"))
	ctx := NewOutgoingContext(context.Background(), MD{"Key": {"a"}, "other": {"x"}})
	ctx = AppendToOutgoingContext(ctx, "KEY", "b", "other", "y")
	ctx = AppendToOutgoingContext(ctx, "key", "c")
	assert.Equal(t, []string{"a", "b", "c"}, ValueFromOutgoingContext(ctx, "kEy"))
	assert.Equal(t, []string{"x", "y"}, ValueFromOutgoingContext(ctx, "other"))
	assert.Nil(t, ValueFromOutgoingContext(ctx, "missing"))
}
