package status

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

func TestNewAndAccessors(t *testing.T) {
	s := New(codes.NotFound, "no such user")
	assert.Equal(t, codes.NotFound, s.Code())
	assert.Equal(t, "no such user", s.Message())
	assert.Nil(t, s.DetailsBin())
	assert.Equal(t, "rpc error: code = NotFound desc = no such user", s.String())
}

func TestNewf(t *testing.T) {
	s := Newf(codes.InvalidArgument, "bad %s: %d", "id", 7)
	assert.Equal(t, codes.InvalidArgument, s.Code())
	assert.Equal(t, "bad id: 7", s.Message())
}

func TestNilStatusBehavesLikeOK(t *testing.T) {
	var s *Status
	assert.Equal(t, codes.OK, s.Code())
	assert.Equal(t, "", s.Message())
	assert.Nil(t, s.DetailsBin())
	assert.NoError(t, s.Err())
	assert.Equal(t, "rpc error: code = OK desc = ", s.String())
}

func TestErrNilForOK(t *testing.T) {
	assert.NoError(t, New(codes.OK, "fine").Err())
	assert.NoError(t, Error(codes.OK, "fine"))
	assert.NoError(t, Errorf(codes.OK, "fine %d", 1))
}

func TestErrorFormatMatchesGRPCGo(t *testing.T) {
	err := Error(codes.DeadlineExceeded, "too slow")
	require.Error(t, err)
	assert.Equal(t, "rpc error: code = DeadlineExceeded desc = too slow", err.Error())

	err = Errorf(codes.Code(42), "x=%d", 3)
	assert.Equal(t, "rpc error: code = Code(42) desc = x=3", err.Error())
}

func TestErrorCarriesStatus(t *testing.T) {
	s := New(codes.Aborted, "conflict")
	err := s.Err()
	gs, ok := err.(interface{ GRPCStatus() *Status })
	require.True(t, ok)
	assert.Same(t, s, gs.GRPCStatus())
}

func TestWithDetailsBinCopies(t *testing.T) {
	details := []byte{0x08, 0x05, 0x12, 0x01, 'x'}
	s := WithDetailsBin(codes.NotFound, "x", details)
	details[0] = 0xFF // caller mutation must not leak into the Status
	got := s.DetailsBin()
	assert.Equal(t, []byte{0x08, 0x05, 0x12, 0x01, 'x'}, got)
	got[1] = 0xFF // nor must mutation of the returned slice
	assert.Equal(t, []byte{0x08, 0x05, 0x12, 0x01, 'x'}, s.DetailsBin())
	assert.Equal(t, codes.NotFound, s.Code())
	assert.Equal(t, "x", s.Message())

	assert.Nil(t, WithDetailsBin(codes.Internal, "y", nil).DetailsBin())
	assert.Nil(t, WithDetailsBin(codes.Internal, "y", []byte{}).DetailsBin())
}

func TestIs(t *testing.T) {
	err := Error(codes.NotFound, "gone")
	assert.True(t, errors.Is(err, Error(codes.NotFound, "gone")))
	assert.False(t, errors.Is(err, Error(codes.NotFound, "other")))
	assert.False(t, errors.Is(err, Error(codes.Internal, "gone")))
	assert.False(t, errors.Is(err, errors.New("rpc error: code = NotFound desc = gone")))

	wrapped := errorsJoinLike(err)
	assert.True(t, errors.Is(wrapped, Error(codes.NotFound, "gone")))

	withD := WithDetailsBin(codes.NotFound, "gone", []byte{1}).Err()
	assert.False(t, errors.Is(withD, err), "details take part in equality, as in grpc-go")
	assert.True(t, errors.Is(withD, WithDetailsBin(codes.NotFound, "gone", []byte{1}).Err()))
}

func errorsJoinLike(err error) error {
	return errors.Join(errors.New("context"), err)
}
