// Package gzip registers the "gzip" compressor. Import it for its effect:
//
//	import _ "github.com/actorpc/actorpc/rpc/encoding/gzip"
package gzip

import (
	"compress/gzip"
	"fmt"
	"io"

	"github.com/actorpc/actorpc/rpc/encoding"
)

// Name is the grpc-encoding of this compressor.
const Name = "gzip"

func init() { encoding.RegisterCompressor(compressor{}) }

// level is the compression level of every message compressed. SetLevel
// writes it only during initialisation, before any call runs, so it is
// read without synchronisation afterwards (grpc-go's contract too).
var level = gzip.DefaultCompression

// SetLevel sets the gzip compression level (gzip.HuffmanOnly through
// gzip.BestCompression) of every message the "gzip" compressor
// compresses. Like grpc-go's, it must be called only during
// initialisation (an init function), before any call is made: it is not
// safe to call while calls compress.
func SetLevel(l int) error {
	if l < gzip.HuffmanOnly || l > gzip.BestCompression {
		return fmt.Errorf("gzip: invalid compression level: %d", l)
	}
	level = l
	return nil
}

type compressor struct{}

func (compressor) Name() string { return Name }

// Compress and Decompress reuse writers and readers (pool.go).
func (compressor) Compress(w io.Writer) (io.WriteCloser, error) { return getWriter(w) }

func (compressor) Decompress(r io.Reader) (io.Reader, error) { return getReader(r) }
