package status

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

// nilStatusErr implements GRPCStatus but returns nil, which grpc-go treats as
// "no usable status".
type nilStatusErr struct{}

func (nilStatusErr) Error() string       { return "nil status" }
func (nilStatusErr) GRPCStatus() *Status { return nil }

// customErr is a foreign error type that opts into status conversion.
type customErr struct{ s *Status }

func (e customErr) Error() string       { return "custom" }
func (e customErr) GRPCStatus() *Status { return e.s }

func TestFromErrorNil(t *testing.T) {
	s, ok := FromError(nil)
	assert.True(t, ok)
	require.NotNil(t, s)
	assert.Equal(t, codes.OK, s.Code())
	assert.Equal(t, "", s.Message())
}

func TestFromErrorDirect(t *testing.T) {
	orig := WithDetailsBin(codes.PermissionDenied, "nope", []byte{9})
	s, ok := FromError(orig.Err())
	assert.True(t, ok)
	assert.Same(t, orig, s)

	s, ok = FromError(customErr{s: orig})
	assert.True(t, ok)
	assert.Same(t, orig, s)
}

func TestFromErrorWrappedPrefixesMessage(t *testing.T) {
	inner := WithDetailsBin(codes.NotFound, "no row", []byte{1, 2})
	err := fmt.Errorf("loading user 7: %w", inner.Err())
	s, ok := FromError(err)
	assert.True(t, ok)
	assert.Equal(t, codes.NotFound, s.Code())
	assert.Equal(t, "loading user 7: rpc error: code = NotFound desc = no row", s.Message())
	assert.Equal(t, []byte{1, 2}, s.DetailsBin())
	assert.Equal(t, "no row", inner.Message(), "the wrapped status must not be modified")
}

func TestFromErrorNilGRPCStatus(t *testing.T) {
	s, ok := FromError(nilStatusErr{})
	assert.False(t, ok)
	assert.Equal(t, codes.Unknown, s.Code())
	assert.Equal(t, "nil status", s.Message())

	s, ok = FromError(fmt.Errorf("wrap: %w", nilStatusErr{}))
	assert.False(t, ok)
	assert.Equal(t, codes.Unknown, s.Code())
	assert.Equal(t, "wrap: nil status", s.Message())
}

func TestFromErrorPlain(t *testing.T) {
	s, ok := FromError(errors.New("boom"))
	assert.False(t, ok)
	assert.Equal(t, codes.Unknown, s.Code())
	assert.Equal(t, "boom", s.Message())
}

func TestConvertAndCode(t *testing.T) {
	assert.Equal(t, codes.OK, Convert(nil).Code())
	assert.Equal(t, codes.Unavailable, Convert(Error(codes.Unavailable, "down")).Code())
	assert.Equal(t, codes.Unknown, Convert(errors.New("x")).Code())

	assert.Equal(t, codes.OK, Code(nil))
	assert.Equal(t, codes.ResourceExhausted, Code(Error(codes.ResourceExhausted, "quota")))
	assert.Equal(t, codes.ResourceExhausted, Code(fmt.Errorf("w: %w", Error(codes.ResourceExhausted, "quota"))))
	assert.Equal(t, codes.Unknown, Code(errors.New("x")))
}

func TestFromContextError(t *testing.T) {
	assert.Equal(t, codes.OK, FromContextError(nil).Code())

	s := FromContextError(context.DeadlineExceeded)
	assert.Equal(t, codes.DeadlineExceeded, s.Code())
	assert.Equal(t, context.DeadlineExceeded.Error(), s.Message())

	s = FromContextError(context.Canceled)
	assert.Equal(t, codes.Canceled, s.Code())
	assert.Equal(t, context.Canceled.Error(), s.Message())

	s = FromContextError(fmt.Errorf("waiting: %w", context.Canceled))
	assert.Equal(t, codes.Canceled, s.Code())
	assert.Equal(t, "waiting: context canceled", s.Message())

	s = FromContextError(errors.New("other"))
	assert.Equal(t, codes.Unknown, s.Code())
	assert.Equal(t, "other", s.Message())
}

func TestFromContextErrorRealContexts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	assert.Equal(t, codes.DeadlineExceeded, FromContextError(ctx.Err()).Code())

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	assert.Equal(t, codes.Canceled, FromContextError(ctx.Err()).Code())

	ctx, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(errors.New("shutting down"))
	assert.Equal(t, codes.Canceled, FromContextError(ctx.Err()).Code())
	assert.Equal(t, codes.Unknown, FromContextError(context.Cause(ctx)).Code())
}
