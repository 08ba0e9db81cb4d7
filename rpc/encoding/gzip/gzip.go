// Package gzip registers the "gzip" compressor. Import it for its effect:
//
//	import _ "github.com/actorpc/actorpc/rpc/encoding/gzip"
package gzip

import (
	"compress/gzip"
	"io"

	"github.com/actorpc/actorpc/rpc/encoding"
)

// Name is the grpc-encoding of this compressor.
const Name = "gzip"

func init() { encoding.RegisterCompressor(compressor{}) }

type compressor struct{}

func (compressor) Name() string { return Name }

func (compressor) Compress(w io.Writer) (io.WriteCloser, error) {
	return gzip.NewWriter(w), nil
}

func (compressor) Decompress(r io.Reader) (io.Reader, error) {
	return gzip.NewReader(r)
}
