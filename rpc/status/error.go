package status

import "bytes"

// statusError is the error form of a non-OK Status. It is unexported so the
// only way to obtain one is through Status.Err, Error or Errorf, which
// guarantees it never wraps a nil or OK status.
type statusError struct {
	s *Status
}

// Error formats the status exactly like grpc-go, so logs and string
// comparisons in existing code keep working.
func (e *statusError) Error() string {
	return e.s.String()
}

// GRPCStatus returns the status carried by the error. The method name is the
// interface grpc-go (and this package's FromError) look for, so errors from
// other packages that implement it interoperate.
func (e *statusError) GRPCStatus() *Status {
	return e.s
}

// Is reports whether target is a status error with the same code, message
// and details, so errors.Is(err, status.Error(c, msg)) works as in grpc-go.
func (e *statusError) Is(target error) bool {
	t, ok := target.(*statusError)
	if !ok {
		return false
	}
	return e.s.Code() == t.s.Code() &&
		e.s.Message() == t.s.Message() &&
		bytes.Equal(e.s.details, t.s.details)
}
