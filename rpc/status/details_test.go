package status

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc/codes"
)

func TestDetailsRoundTrip(t *testing.T) {
	st, err := New(codes.ResourceExhausted, "slow down").WithDetails(durationpb.New(1500_000_000), wrapperspb.String("quota"))
	require.NoError(t, err)
	// What travels is the bytes; rebuild from them as a receiver does.
	got := WithDetailsBin(st.Code(), st.Message(), st.DetailsBin())
	details := got.Details()
	require.Len(t, details, 2)
	require.True(t, proto.Equal(durationpb.New(1500_000_000), details[0].(proto.Message)))
	require.True(t, proto.Equal(wrapperspb.String("quota"), details[1].(proto.Message)))

	more, err := got.WithDetails(wrapperspb.Int32(7))
	require.NoError(t, err)
	require.Len(t, more.Details(), 3, "WithDetails keeps the details already there")
}

func TestDetailsRefusedOnOK(t *testing.T) {
	_, err := New(codes.OK, "").WithDetails(wrapperspb.String("x"))
	require.Error(t, err)
}

func TestDetailsOfGarbageDoNotPanic(t *testing.T) {
	st := WithDetailsBin(codes.Internal, "x", []byte{0x1a, 0xff, 0xff})
	require.Empty(t, st.Details())
	require.Nil(t, New(codes.Internal, "none").Details())
}
