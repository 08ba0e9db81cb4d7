package rpc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The health watch's hand-written codec against the bytes health.proto
// gives (field 1 of each message).
func TestHealthCodec(t *testing.T) {
	assert.Empty(t, encodeHealthRequest(""), "the empty service is proto3's default: no bytes")
	assert.Equal(t, []byte{0x0a, 3, 's', 'v', 'c'}, encodeHealthRequest("svc"))

	for _, tc := range []struct {
		name string
		in   []byte
		want uint64
	}{
		{"empty is UNKNOWN", nil, healthUnknown},
		{"SERVING", []byte{0x08, 1}, healthServing},
		{"NOT_SERVING", []byte{0x08, 2}, healthNotServing},
		{"unknown fields skipped", []byte{0x12, 2, 'x', 'y', 0x08, 3, 0x18, 7}, healthServiceUnknown},
		{"last value wins", []byte{0x08, 2, 0x08, 1}, healthServing},
	} {
		got, err := decodeHealthResponse(tc.in)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	for _, bad := range [][]byte{{0x08}, {0x08, 0x80}, {0x12, 5, 'x'}, {0x0f}} {
		_, err := decodeHealthResponse(bad)
		assert.ErrorContains(t, err, "malformed health check response", "%x", bad)
	}
	assert.Equal(t, "SERVICE_UNKNOWN", healthStatusName(healthServiceUnknown))
	assert.Equal(t, "status 9", healthStatusName(9))
}
