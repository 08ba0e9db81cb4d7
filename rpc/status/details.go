package status

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/actorpc/actorpc/rpc/codes"
)

// The grpc-status-details-bin trailer carries a google.rpc.Status:
//
//	message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
//
// It is encoded here by hand rather than generated, so that actorpc never
// registers google.rpc.Status in the protobuf registry, where it would
// collide with the copy grpc-go or genproto register in the same program.
const (
	fieldCode    = 1
	fieldMessage = 2
	fieldDetails = 3
)

// WithDetails returns a copy of s that also carries details, each packed
// in a google.protobuf.Any, as rich error details (grpc-status-details-bin).
// An OK status cannot carry details.
func (s *Status) WithDetails(details ...proto.Message) (*Status, error) {
	if s.Code() == codes.OK {
		return nil, errors.New("status: no error details for an OK status")
	}
	var b []byte
	b = protowire.AppendTag(b, fieldCode, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(int64(int32(s.Code()))))
	b = protowire.AppendTag(b, fieldMessage, protowire.BytesType)
	b = protowire.AppendString(b, s.Message())
	for _, old := range s.anys() {
		b = appendAny(b, old)
	}
	for _, d := range details {
		a, err := anypb.New(d)
		if err != nil {
			return nil, fmt.Errorf("status: packing a %T detail: %w", d, err)
		}
		b = appendAny(b, a)
	}
	return WithDetailsBin(s.Code(), s.Message(), b), nil
}

func appendAny(b []byte, a *anypb.Any) []byte {
	raw, _ := proto.Marshal(a)
	b = protowire.AppendTag(b, fieldDetails, protowire.BytesType)
	return protowire.AppendBytes(b, raw)
}

// Details returns the rich error details: each is the unpacked message, or
// an error when its type is not linked into the program or it is corrupt
// (as grpc-go does).
func (s *Status) Details() []any {
	anys := s.anys()
	if anys == nil {
		return nil
	}
	out := make([]any, 0, len(anys))
	for _, a := range anys {
		m, err := a.UnmarshalNew()
		if err != nil {
			out = append(out, fmt.Errorf("status: detail of type %q: %w", a.GetTypeUrl(), err))
			continue
		}
		out = append(out, m)
	}
	return out
}

// anys parses the details field of the carried google.rpc.Status; a
// malformed encoding yields what could be read.
func (s *Status) anys() []*anypb.Any {
	b := s.DetailsBin()
	var anys []*anypb.Any
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return anys
		}
		b = b[n:]
		if num == fieldDetails && typ == protowire.BytesType {
			raw, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return anys
			}
			a := new(anypb.Any)
			if proto.Unmarshal(raw, a) == nil {
				anys = append(anys, a)
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return anys
		}
		b = b[m:]
	}
	return anys
}
