package status

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/codes"
)

// Status is an immutable RPC outcome. Values are safe to share between
// goroutines because no method mutates them; a nil *Status behaves like an
// OK status with an empty message, matching grpc-go.
type Status struct {
	code    codes.Code
	message string
	// details holds the serialized google.rpc.Status as carried in the
	// grpc-status-details-bin trailer, or nil when there are none.
	details []byte
}

// New returns a Status with the given code and message.
func New(c codes.Code, msg string) *Status {
	return &Status{code: c, message: msg}
}

// Newf returns New(c, fmt.Sprintf(format, a...)).
func Newf(c codes.Code, format string, a ...any) *Status {
	return New(c, fmt.Sprintf(format, a...))
}

// WithDetailsBin returns a Status that also carries details, the serialized
// google.rpc.Status bytes exchanged in the grpc-status-details-bin trailer.
// The bytes are copied so later changes by the caller cannot alter the
// (immutable) Status.
func WithDetailsBin(c codes.Code, msg string, details []byte) *Status {
	s := New(c, msg)
	if len(details) > 0 {
		s.details = append([]byte(nil), details...)
	}
	return s
}

// Error returns an error representing c and msg, or nil if c is OK.
func Error(c codes.Code, msg string) error {
	return New(c, msg).Err()
}

// Errorf returns Error(c, fmt.Sprintf(format, a...)).
func Errorf(c codes.Code, format string, a ...any) error {
	return Error(c, fmt.Sprintf(format, a...))
}

// Code returns the status code, or codes.OK for a nil Status.
func (s *Status) Code() codes.Code {
	if s == nil {
		return codes.OK
	}
	return s.code
}

// Message returns the status message, or "" for a nil Status.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return s.message
}

// DetailsBin returns a copy of the serialized google.rpc.Status details, or
// nil if there are none. A copy is returned to keep the Status immutable.
func (s *Status) DetailsBin() []byte {
	if s == nil || len(s.details) == 0 {
		return nil
	}
	return append([]byte(nil), s.details...)
}

// Err returns an error carrying s, or nil if the code is OK, so that a
// handler can always "return st.Err()".
func (s *Status) Err() error {
	if s.Code() == codes.OK {
		return nil
	}
	return &statusError{s: s}
}

// String formats s like grpc-go: "rpc error: code = X desc = Y".
func (s *Status) String() string {
	return fmt.Sprintf("rpc error: code = %s desc = %s", s.Code(), s.Message())
}
