package encoding

// Codec marshals and unmarshals messages. Implementations must be safe for
// concurrent use, since one codec serves every RPC.
type Codec interface {
	// Marshal returns the wire format of v. The transport may keep and
	// reuse the returned slice, so it must be the caller's alone.
	Marshal(v any) ([]byte, error)
	// Unmarshal parses the wire format data into v. data is only lent:
	// the transport reuses its buffer once Unmarshal returns, so neither
	// the codec nor v may keep a reference into it (copy what v keeps,
	// as protobuf does).
	Unmarshal(data []byte, v any) error
	// Name returns the content-subtype the codec handles, e.g. "proto". It
	// must be lower-case and constant.
	Name() string
}

// BufferMarshaler is implemented by codecs that know a message's size
// before marshalling it. The transport then marshals into a buffer of its
// own, behind the 5-byte gRPC message prefix it reserves in front: the
// message is not copied again, and a large message's buffer is reused for
// the next one instead of allocated.
type BufferMarshaler interface {
	// MarshalInto appends the wire format of v to buffer(n), where n is the
	// encoded size of v; buffer returns a slice with room for n more bytes.
	MarshalInto(v any, buffer func(n int) []byte) ([]byte, error)
}
