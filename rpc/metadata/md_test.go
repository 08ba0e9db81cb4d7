package metadata

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNewLowercasesAndMerges(t *testing.T) {
	md := New(map[string]string{"Key": "a", "key": "b", "Other-Key": "c"})
	assert.ElementsMatch(t, []string{"a", "b"}, md["key"])
	assert.Equal(t, []string{"c"}, md["other-key"])
	assert.Equal(t, 2, md.Len())
	assert.Equal(t, 0, New(nil).Len())
}

func TestPairs(t *testing.T) {
	md := Pairs("K1", "v1", "k1", "v2", "k2", "v3")
	assert.Equal(t, MD{"k1": {"v1", "v2"}, "k2": {"v3"}}, md)
	assert.Equal(t, MD{}, Pairs())
}

func TestPairsPanicsOnOddCount(t *testing.T) {
	assert.PanicsWithValue(t,
		"metadata: Pairs got the odd number of input pairs for metadata: 3",
		func() { Pairs("a", "b", "c") })
}

func TestJoin(t *testing.T) {
	a := Pairs("x", "1", "y", "2")
	b := Pairs("x", "3", "z", "4")
	j := Join(a, b, nil)
	assert.Equal(t, MD{"x": {"1", "3"}, "y": {"2"}, "z": {"4"}}, j)
	j["x"][0] = "changed"
	assert.Equal(t, []string{"1"}, a["x"], "Join must not alias its inputs")
	assert.Equal(t, MD{}, Join())
}

func TestCopyIsDeep(t *testing.T) {
	md := Pairs("k", "v")
	c := md.Copy()
	c["k"][0] = "changed"
	c.Append("k", "more")
	c.Set("new", "x")
	assert.Equal(t, MD{"k": {"v"}}, md)
}

func TestGetSetAppendDelete(t *testing.T) {
	md := MD{}
	md.Set("Foo", "1", "2")
	assert.Equal(t, []string{"1", "2"}, md.Get("FOO"))
	assert.Equal(t, []string{"1", "2"}, md["foo"])

	md.Set("foo", "3")
	assert.Equal(t, []string{"3"}, md.Get("foo"))

	md.Set("foo") // no values: no-op
	assert.Equal(t, []string{"3"}, md.Get("foo"))

	md.Append("FOO", "4", "5")
	assert.Equal(t, []string{"3", "4", "5"}, md.Get("foo"))

	md.Append("bar") // no values: must not create the key
	_, ok := md["bar"]
	assert.False(t, ok)

	md.Append("Bar", "b")
	assert.Equal(t, []string{"b"}, md.Get("bar"))

	md.Delete("FOO")
	assert.Nil(t, md.Get("foo"))
	assert.Equal(t, 1, md.Len())

	assert.Nil(t, md.Get("missing"))
}
