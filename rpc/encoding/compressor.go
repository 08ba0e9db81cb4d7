package encoding

import (
	"io"
	"sort"
	"strings"
)

// Compressor compresses and decompresses messages for one grpc-encoding.
// Implementations must be safe for concurrent use.
type Compressor interface {
	// Compress returns a writer that compresses into w; the message is
	// complete once it is closed.
	Compress(w io.Writer) (io.WriteCloser, error)
	// Decompress returns a reader of the decompressed r.
	Decompress(r io.Reader) (io.Reader, error)
	// Name is the grpc-encoding value, e.g. "gzip".
	Name() string
}

// compressors is written only by RegisterCompressor from init functions,
// like the codec registry.
var compressors = map[string]Compressor{}

// Identity is the grpc-encoding of uncompressed messages.
const Identity = "identity"

// RegisterCompressor makes c available under its name. Call it only from
// an init function.
func RegisterCompressor(c Compressor) {
	if c == nil || c.Name() == "" {
		panic("encoding: cannot register a nil or unnamed Compressor")
	}
	compressors[strings.ToLower(c.Name())] = c
}

// GetCompressor returns the compressor registered under name, or nil.
func GetCompressor(name string) Compressor { return compressors[name] }

// CompressorNames lists the registered compressors, sorted, for
// grpc-accept-encoding.
func CompressorNames() []string {
	names := make([]string, 0, len(compressors))
	for n := range compressors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
