package gzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compressed is what the compressor makes of data at the current level.
func compressed(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	w, err := compressor{}.Compress(&buf)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestSetLevel(t *testing.T) {
	defer SetLevel(gzip.DefaultCompression)
	assert.EqualError(t, SetLevel(10), "gzip: invalid compression level: 10")
	assert.EqualError(t, SetLevel(-3), "gzip: invalid compression level: -3")

	data := bytes.Repeat([]byte("actorpc compresses this line again and again; "), 200)
	require.NoError(t, SetLevel(gzip.NoCompression))
	stored := compressed(t, data)
	require.NoError(t, SetLevel(gzip.BestCompression))
	best := compressed(t, data)
	assert.Greater(t, len(stored), len(data), "level 0 stores the bytes as they are")
	assert.Less(t, len(best), len(data)/10, "level 9 shrinks a repetitive message")

	r, err := compressor{}.Decompress(bytes.NewReader(best))
	require.NoError(t, err)
	back, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, data, back)
}
