package encoding

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// stubCodec is a minimal Codec whose identity the tests can check.
type stubCodec struct{ name string }

func (c *stubCodec) Marshal(v any) ([]byte, error)      { return []byte(c.name), nil }
func (c *stubCodec) Unmarshal(data []byte, v any) error { return nil }
func (c *stubCodec) Name() string                       { return c.name }

// The tests below mutate the registry. That is only acceptable because
// they do not run in parallel; production code must register from init.
func withCleanRegistry(t *testing.T) {
	saved := registry
	registry = map[string]Codec{}
	t.Cleanup(func() { registry = saved })
}

func TestRegisterAndGet(t *testing.T) {
	withCleanRegistry(t)
	c := &stubCodec{name: "stub"}
	RegisterCodec(c)
	assert.Same(t, c, GetCodec("stub"))
	assert.Nil(t, GetCodec("missing"))
}

func TestRegisterLowercasesName(t *testing.T) {
	withCleanRegistry(t)
	c := &stubCodec{name: "MixedCase"}
	RegisterCodec(c)
	assert.Same(t, c, GetCodec("mixedcase"))
	assert.Nil(t, GetCodec("MixedCase"), "lookups are exact; callers lower-case the content-subtype")
}

func TestRegisterReplaces(t *testing.T) {
	withCleanRegistry(t)
	first, second := &stubCodec{name: "dup"}, &stubCodec{name: "dup"}
	RegisterCodec(first)
	RegisterCodec(second)
	assert.Same(t, second, GetCodec("dup"))
}

func TestRegisterRejectsInvalid(t *testing.T) {
	withCleanRegistry(t)
	assert.PanicsWithValue(t, "encoding: cannot register a nil Codec", func() { RegisterCodec(nil) })
	assert.PanicsWithValue(t, "encoding: cannot register a Codec with an empty Name()",
		func() { RegisterCodec(&stubCodec{}) })
	assert.Empty(t, registry)
}
