package gzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drainPools empties the free lists, so a test sees only its own.
func drainPools() {
	for len(freeWriters) > 0 {
		<-freeWriters
	}
	for len(freeReaders) > 0 {
		<-freeReaders
	}
}

func TestWritersAndReadersAreReused(t *testing.T) {
	drainPools()
	data := bytes.Repeat([]byte("reuse me "), 1000)
	first := compressed(t, data)
	require.Len(t, freeWriters, 1, "Close gives the writer back")
	second := compressed(t, data)
	assert.Equal(t, first, second, "a reused writer compresses as a new one")
	assert.Len(t, freeWriters, 1, "the second message took the same writer and gave it back")

	for range 2 {
		r, err := compressor{}.Decompress(bytes.NewReader(first))
		require.NoError(t, err)
		back, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, data, back)
		assert.Len(t, freeReaders, 1, "reading to the end gives the reader back")
	}
}

func TestClosedWriterAndFinishedReaderRefuseMore(t *testing.T) {
	var buf bytes.Buffer
	w, err := compressor{}.Compress(&buf)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = w.Write([]byte("late"))
	assert.ErrorIs(t, err, errClosed, "the writer went back to the pool: a late write must not reach it")
	assert.ErrorIs(t, w.Close(), errClosed)

	r, err := compressor{}.Decompress(bytes.NewReader(compressed(t, []byte("x"))))
	require.NoError(t, err)
	_, err = io.ReadAll(r)
	require.NoError(t, err)
	n, err := r.Read(make([]byte, 8))
	assert.Equal(t, 0, n)
	assert.Equal(t, io.EOF, err, "a finished reader stays at its end")
}

func TestWriterOfAnotherLevelIsNotReused(t *testing.T) {
	defer SetLevel(gzip.DefaultCompression)
	drainPools()
	data := bytes.Repeat([]byte("level "), 500)
	require.NoError(t, SetLevel(gzip.NoCompression))
	stored := compressed(t, data)
	require.NoError(t, SetLevel(gzip.BestCompression))
	best := compressed(t, data)
	assert.Less(t, len(best), len(stored), "the level-0 writer in the pool was not used at level 9")
}

func TestBadHeaderIsAnError(t *testing.T) {
	drainPools()
	compressed(t, []byte("fill the reader pool"))
	r, err := compressor{}.Decompress(bytes.NewReader(compressed(t, []byte("y"))))
	require.NoError(t, err)
	_, err = io.ReadAll(r)
	require.NoError(t, err)
	require.Len(t, freeReaders, 1)
	_, err = compressor{}.Decompress(bytes.NewReader([]byte("this is not gzip at all")))
	assert.ErrorIs(t, err, gzip.ErrHeader, "a pooled reader reports a bad header as a new one does")
}

// BenchmarkCompress1KiB shows what a message costs with the pool: a
// writer made per message allocated about 1 MB.
func BenchmarkCompress1KiB(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		w, _ := compressor{}.Compress(&buf)
		w.Write(data)
		w.Close()
		r, _ := compressor{}.Decompress(bytes.NewReader(buf.Bytes()))
		io.Copy(io.Discard, r)
	}
}
