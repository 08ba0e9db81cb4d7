package status

import (
	"context"
	"errors"

	"github.com/actorpc/actorpc/rpc/codes"
)

// grpcStatuser is implemented by errors that carry a Status. It is matched
// structurally so any error type (not only this package's) can opt in.
type grpcStatuser interface {
	GRPCStatus() *Status
}

// FromError returns the Status represented by err and whether err actually
// carried one:
//
//   - nil: an OK status with an empty message, true.
//   - an error implementing GRPCStatus() *Status directly: that status, true.
//   - an error wrapping such an error (found with errors.As): the wrapped
//     status with its message replaced by err.Error(), so the wrapping context
//     is not lost, true (the same as grpc-go).
//   - anything else, including a GRPCStatus method returning nil: a status
//     with codes.Unknown and err.Error() as message, false.
func FromError(err error) (*Status, bool) {
	if err == nil {
		return New(codes.OK, ""), true
	}
	if gs, ok := err.(grpcStatuser); ok {
		if s := gs.GRPCStatus(); s != nil {
			return s, true
		}
		return New(codes.Unknown, err.Error()), false
	}
	var gs grpcStatuser
	if errors.As(err, &gs) {
		s := gs.GRPCStatus()
		if s == nil {
			return New(codes.Unknown, err.Error()), false
		}
		return &Status{code: s.code, message: err.Error(), details: s.details}, true
	}
	return New(codes.Unknown, err.Error()), false
}

// Convert is FromError without the boolean, for callers that only want a
// Status to inspect or send.
func Convert(err error) *Status {
	s, _ := FromError(err)
	return s
}

// Code returns the code of the status carried by err, codes.OK for nil and
// codes.Unknown for errors that carry no status.
func Code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	return Convert(err).Code()
}

// FromContextError converts a context error (or one wrapping it) into the
// Status gRPC uses for it: context.DeadlineExceeded becomes
// codes.DeadlineExceeded, context.Canceled becomes codes.Canceled, anything
// else codes.Unknown. The message is err.Error(). A nil error yields an OK
// status, consistent with FromError.
func FromContextError(err error) *Status {
	switch {
	case err == nil:
		return New(codes.OK, "")
	case errors.Is(err, context.DeadlineExceeded):
		return New(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return New(codes.Canceled, err.Error())
	default:
		return New(codes.Unknown, err.Error())
	}
}
