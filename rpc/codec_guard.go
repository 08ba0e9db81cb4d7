package rpc

import (
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/status"
)

// guardCodec wraps a codec the application gave (ForceCodec) so that a
// panic in it ends the call with Internal instead of unwinding through
// the caller's goroutine, or a stream actor's. (On a server the handler
// actor recovers whatever panics during a call.) A codec that marshals
// into our buffers keeps doing so.
func guardCodec(c encoding.Codec) encoding.Codec {
	g := guardedCodec{c}
	if bm, ok := c.(encoding.BufferMarshaler); ok {
		return guardedBufferCodec{g, bm}
	}
	return g
}

type guardedCodec struct{ inner encoding.Codec }

func (g guardedCodec) Name() string { return g.inner.Name() }

func (g guardedCodec) Marshal(v any) (b []byte, err error) {
	defer codecRecover("marshalling", &err)
	return g.inner.Marshal(v)
}

func (g guardedCodec) Unmarshal(data []byte, v any) (err error) {
	defer codecRecover("unmarshalling", &err)
	return g.inner.Unmarshal(data, v)
}

type guardedBufferCodec struct {
	guardedCodec
	bm encoding.BufferMarshaler
}

func (g guardedBufferCodec) MarshalInto(v any, buffer func(n int) []byte) (b []byte, err error) {
	defer codecRecover("marshalling", &err)
	return g.bm.MarshalInto(v, buffer)
}

// codecRecover turns a codec's panic into the call's Internal status.
func codecRecover(doing string, err *error) {
	if v := recover(); v != nil {
		*err = status.Errorf(codes.Internal, "grpc: the codec panicked %s: %v", doing, v)
	}
}
