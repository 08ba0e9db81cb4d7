package gzip

import (
	"compress/gzip"
	"errors"
	"io"
)

// A gzip.Writer costs about a megabyte to make (the deflate tables), a
// reader some tens of kilobytes: made per message, they cost more than the
// compression itself (grpc-go pools them too). Free ones wait in bounded
// channel free lists shared by the process; what does not fit is left to
// the collector, so an idle process keeps at most maxFreeWriters writers.
const (
	maxFreeWriters = 8
	maxFreeReaders = 32
)

var (
	freeWriters = make(chan *levelWriter, maxFreeWriters)
	freeReaders = make(chan *gzip.Reader, maxFreeReaders)
)

// levelWriter is a pooled writer and the level it was made with, so that
// one made before SetLevel is not reused after it.
type levelWriter struct {
	*gzip.Writer
	level int
}

// pooledWriter gives its writer back once Close has flushed it.
type pooledWriter struct {
	lw *levelWriter
}

func getWriter(w io.Writer) (io.WriteCloser, error) {
	select {
	case lw := <-freeWriters:
		if lw.level == level {
			lw.Reset(w)
			return &pooledWriter{lw}, nil
		}
	default:
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return nil, err
	}
	return &pooledWriter{&levelWriter{zw, level}}, nil
}

func (p *pooledWriter) Write(b []byte) (int, error) {
	if p.lw == nil {
		return 0, errClosed
	}
	return p.lw.Write(b)
}

func (p *pooledWriter) Close() error {
	if p.lw == nil {
		return errClosed
	}
	err := p.lw.Writer.Close()
	p.lw.Reset(io.Discard) // let go of the caller's buffer while it waits
	select {
	case freeWriters <- p.lw:
	default:
	}
	p.lw = nil
	return err
}

// pooledReader gives its reader back once it has read the end of the
// stream; a reader given up before the end is left to the collector.
type pooledReader struct {
	zr *gzip.Reader
}

func getReader(r io.Reader) (io.Reader, error) {
	var zr *gzip.Reader
	select {
	case zr = <-freeReaders:
		if err := zr.Reset(r); err != nil {
			return nil, err // a bad header: zr is left to the collector
		}
	default:
		var err error
		if zr, err = gzip.NewReader(r); err != nil {
			return nil, err
		}
	}
	return &pooledReader{zr}, nil
}

func (p *pooledReader) Read(b []byte) (int, error) {
	if p.zr == nil {
		return 0, io.EOF
	}
	n, err := p.zr.Read(b)
	if err == io.EOF {
		// Let go of the caller's bytes while the reader waits; the
		// header error this gives is cleared by the next Reset.
		_ = p.zr.Reset(emptyReader{})
		select {
		case freeReaders <- p.zr:
		default:
		}
		p.zr = nil
	}
	return n, err
}

var errClosed = errors.New("gzip: write to a closed compressor")

// emptyReader is an io.Reader and io.ByteReader (so gzip uses it as it is,
// with no bufio.Reader around it) that holds nothing.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
func (emptyReader) ReadByte() (byte, error)  { return 0, io.EOF }
