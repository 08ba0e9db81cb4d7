package proto

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"

	"github.com/actorpc/actorpc/rpc/encoding"
)

// Name is the content-subtype of the protobuf codec.
const Name = "proto"

func init() {
	encoding.RegisterCodec(codec{})
}

// Codec returns the protobuf codec. It is stateless and safe for concurrent
// use.
func Codec() encoding.Codec {
	return codec{}
}

// codec marshals values implementing proto.Message, and (like grpc-go) also
// legacy github.com/golang/protobuf messages implementing
// protoadapt.MessageV1, so generated code of either API generation works.
type codec struct{}

// Name returns "proto".
func (codec) Name() string { return Name }

// Marshal returns the protobuf wire encoding of v.
func (codec) Marshal(v any) ([]byte, error) {
	m := messageOf(v)
	if m == nil {
		return nil, fmt.Errorf("proto: failed to marshal, message is %T, want proto.Message", v)
	}
	return proto.Marshal(m)
}

// MarshalInto appends the protobuf wire encoding of v to buffer(size).
// Sizing v caches the sizes of its submessages in them, so the marshal
// that follows does not walk the message twice.
func (codec) MarshalInto(v any, buffer func(n int) []byte) ([]byte, error) {
	m := messageOf(v)
	if m == nil {
		return nil, fmt.Errorf("proto: failed to marshal, message is %T, want proto.Message", v)
	}
	n := proto.Size(m)
	return proto.MarshalOptions{UseCachedSize: true}.MarshalAppend(buffer(n), m)
}

// Unmarshal replaces the contents of v with the message decoded from data.
func (codec) Unmarshal(data []byte, v any) error {
	m := messageOf(v)
	if m == nil {
		return fmt.Errorf("proto: failed to unmarshal, message is %T, want proto.Message", v)
	}
	return proto.Unmarshal(data, m)
}

// messageOf returns v as an API v2 message, or nil if v is not a protobuf
// message of either API generation.
func messageOf(v any) proto.Message {
	switch m := v.(type) {
	case proto.Message:
		return m
	case protoadapt.MessageV1:
		return protoadapt.MessageV2Of(m)
	default:
		return nil
	}
}
