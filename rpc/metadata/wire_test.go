package metadata

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsBinaryKey(t *testing.T) {
	assert.True(t, IsBinaryKey("trace-bin"))
	assert.True(t, IsBinaryKey("grpc-status-details-bin"))
	assert.False(t, IsBinaryKey("bin"))
	assert.False(t, IsBinaryKey("binary"))
	assert.False(t, IsBinaryKey("trace-binary"))
	assert.False(t, IsBinaryKey(""))
}

func TestEncodeBinValueIsUnpadded(t *testing.T) {
	assert.Equal(t, "", EncodeBinValue(""))
	assert.Equal(t, "AA", EncodeBinValue([]byte{0}))
	assert.Equal(t, "AAE", EncodeBinValue([]byte{0, 1}))
	assert.Equal(t, "AAEC", EncodeBinValue([]byte{0, 1, 2}))
	assert.Equal(t, "/+8", EncodeBinValue("\xff\xef"), "standard alphabet, not URL-safe")

	type myString string
	assert.Equal(t, "aGk", EncodeBinValue(myString("hi")))
}

func TestDecodeBinValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"AA", []byte{0}},
		{"AA==", []byte{0}},
		{"AAE", []byte{0, 1}},
		{"AAE=", []byte{0, 1}},
		{"AAEC", []byte{0, 1, 2}},
		{"/+8", []byte{0xff, 0xef}},
	} {
		got, err := DecodeBinValue(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"A", "A===", "-_8", "AA=", "!!!!"} {
		_, err := DecodeBinValue(bad)
		assert.Error(t, err, bad)
	}
}

func TestBinRoundTrip(t *testing.T) {
	for n := 0; n < 20; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		got, err := DecodeBinValue(EncodeBinValue(b))
		require.NoError(t, err)
		assert.Equal(t, b, got)
	}
}

func TestValidKey(t *testing.T) {
	for _, k := range []string{"a", "x-custom", "under_score", "dot.ted", "0123", "trace-bin", "grpc-status"} {
		assert.NoError(t, ValidKey(k), k)
	}
	assert.EqualError(t, ValidKey(""), "metadata: there is an empty key in the header")
	for _, k := range []string{"Upper", "sp ace", ":path", "a/b", "é", "a\x00"} {
		assert.Error(t, ValidKey(k), k)
	}
	assert.EqualError(t, ValidKey("Bad"), `metadata: header key "Bad" contains illegal characters not in [0-9a-z-_.]`)
}

func TestValidValue(t *testing.T) {
	assert.NoError(t, ValidValue(""))
	assert.NoError(t, ValidValue(" !~ printable ASCII 0123"))
	for _, v := range []string{"tab\t", "nl\n", "\x7f", "é", "\x00"} {
		assert.Error(t, ValidValue(v), "%q", v)
	}
	err := ValidValue("secret\x01")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret", "values may be credentials; do not echo them")
}

func TestValidPair(t *testing.T) {
	assert.NoError(t, ValidPair("k", "a", "b"))
	assert.NoError(t, ValidPair("k-bin", "\x00\xff"), "binary values are exempt")
	assert.Error(t, ValidPair("k", "ok", "bad\n"))
	assert.Error(t, ValidPair("K", "ok"))
	assert.Error(t, ValidPair("", "ok"))
}

func TestIsReservedKey(t *testing.T) {
	for _, k := range []string{
		":path", ":authority", ":method", ":scheme", ":status", ":anything",
		"content-type", "user-agent", "te",
		"grpc-encoding", "grpc-message", "grpc-message-type", "grpc-status",
		"grpc-status-details-bin", "grpc-timeout",
	} {
		assert.True(t, IsReservedKey(k), k)
	}
	for _, k := range []string{
		"", "x-custom", "authorization", "grpc-previous-rpc-attempts",
		"grpc-retry-pushback-ms", "grpc-accept-encoding", "grpc-trace-bin",
	} {
		assert.False(t, IsReservedKey(k), k)
	}
}

func TestIsWhitelistedKey(t *testing.T) {
	assert.True(t, IsWhitelistedKey(":authority"))
	assert.True(t, IsWhitelistedKey("user-agent"))
	assert.False(t, IsWhitelistedKey(":path"))
	assert.False(t, IsWhitelistedKey("content-type"))
}
