package encoding

// Codec marshals and unmarshals messages. Implementations must be safe for
// concurrent use, since one codec serves every RPC.
type Codec interface {
	// Marshal returns the wire format of v.
	Marshal(v any) ([]byte, error)
	// Unmarshal parses the wire format data into v.
	Unmarshal(data []byte, v any) error
	// Name returns the content-subtype the codec handles, e.g. "proto". It
	// must be lower-case and constant.
	Name() string
}

// AppendMarshaler is implemented by codecs that can marshal onto the end of
// a buffer. The transport then reserves the 5-byte gRPC message prefix in
// front of the message and sends it without copying it again.
type AppendMarshaler interface {
	MarshalAppend(dst []byte, v any) ([]byte, error)
}
