package codes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireValues pins every code to the number the gRPC protocol assigns it.
var wireValues = []struct {
	code Code
	num  uint32
	name string
	spec string
}{
	{OK, 0, "OK", "OK"},
	{Canceled, 1, "Canceled", "CANCELLED"},
	{Unknown, 2, "Unknown", "UNKNOWN"},
	{InvalidArgument, 3, "InvalidArgument", "INVALID_ARGUMENT"},
	{DeadlineExceeded, 4, "DeadlineExceeded", "DEADLINE_EXCEEDED"},
	{NotFound, 5, "NotFound", "NOT_FOUND"},
	{AlreadyExists, 6, "AlreadyExists", "ALREADY_EXISTS"},
	{PermissionDenied, 7, "PermissionDenied", "PERMISSION_DENIED"},
	{ResourceExhausted, 8, "ResourceExhausted", "RESOURCE_EXHAUSTED"},
	{FailedPrecondition, 9, "FailedPrecondition", "FAILED_PRECONDITION"},
	{Aborted, 10, "Aborted", "ABORTED"},
	{OutOfRange, 11, "OutOfRange", "OUT_OF_RANGE"},
	{Unimplemented, 12, "Unimplemented", "UNIMPLEMENTED"},
	{Internal, 13, "Internal", "INTERNAL"},
	{Unavailable, 14, "Unavailable", "UNAVAILABLE"},
	{DataLoss, 15, "DataLoss", "DATA_LOSS"},
	{Unauthenticated, 16, "Unauthenticated", "UNAUTHENTICATED"},
}

func TestWireValuesAndNames(t *testing.T) {
	require.Len(t, wireValues, 17)
	for _, tc := range wireValues {
		assert.Equal(t, tc.num, uint32(tc.code), tc.name)
		assert.Equal(t, tc.name, tc.code.String())
	}
}

func TestStringUnknownValue(t *testing.T) {
	assert.Equal(t, "Code(17)", Code(17).String())
	assert.Equal(t, "Code(4294967295)", Code(^uint32(0)).String())
}

func TestParseName(t *testing.T) {
	for _, tc := range wireValues {
		got, ok := ParseName(tc.name)
		assert.True(t, ok, tc.name)
		assert.Equal(t, tc.code, got, tc.name)

		got, ok = ParseName(tc.spec)
		assert.True(t, ok, tc.spec)
		assert.Equal(t, tc.code, got, tc.spec)
	}
}

func TestParseNameRejects(t *testing.T) {
	for _, s := range []string{"", "Code(17)", "Code(4)", "deadlineexceeded", "Cancelled", "CANCELED", "4", " OK"} {
		c, ok := ParseName(s)
		assert.False(t, ok, "%q", s)
		assert.Equal(t, Code(0), c, "%q", s)
	}
}

func TestParseNameRoundTripsString(t *testing.T) {
	for c := Code(0); c < 17; c++ {
		got, ok := ParseName(c.String())
		require.True(t, ok)
		assert.Equal(t, c, got)
	}
}
