package connactor

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// scriptedReader returns its chunks one Read at a time, as a socket
// returns what has arrived.
type scriptedReader struct{ chunks [][]byte }

func (r *scriptedReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; len(r.chunks[0]) == 0 {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

func TestReadBufReadsEverything(t *testing.T) {
	want := seq(3*ioLarge + 123)
	for name, src := range map[string]io.Reader{
		"whole":    bytes.NewReader(want),
		"one byte": iotest.OneByteReader(bytes.NewReader(want)),
		"halves":   iotest.HalfReader(bytes.NewReader(want)),
	} {
		t.Run(name, func(t *testing.T) {
			b := newReadBuf(src)
			var got []byte
			// Frame headers, each followed by a payload of another size.
			for n := 1; ; n = n*3 + 1 {
				hdr := make([]byte, 9)
				k, err := io.ReadFull(b, hdr)
				got = append(got, hdr[:k]...)
				if err != nil {
					break
				}
				payload := make([]byte, n%(2*ioLarge))
				k, err = io.ReadFull(b, payload)
				got = append(got, payload[:k]...)
				if err != nil {
					break
				}
			}
			require.Equal(t, want, got)
		})
	}
}

// The large buffer is borrowed only while reads from the socket fill what
// they are given, so a reader that goes back to waiting on a quiet socket
// holds only its small one.
func TestReadBufBorrowsOnlyWhileBusy(t *testing.T) {
	arrivals := []int{ioSmall, ioLarge, 100, 10}
	src := &scriptedReader{}
	for _, n := range arrivals {
		src.chunks = append(src.chunks, seq(n))
	}
	b := newReadBuf(src)
	for i, wantLarge := range []bool{
		false, // the first read goes into the small buffer, and fills it
		true,  // so more is waiting: the next gets the large one, and fills it
		true,  // and so does the next, which does not fill it
		false, // so the one after is back in the small buffer
	} {
		// A frame header, then the rest of what arrived.
		_, err := io.ReadFull(b, make([]byte, 9))
		require.NoError(t, err)
		require.Equal(t, wantLarge, b.large != nil, "arrival %d", i)
		_, err = io.ReadFull(b, make([]byte, arrivals[i]-9))
		require.NoError(t, err)
	}
}

// A read at least as large as the buffer goes straight into the caller's
// slice: a DATA payload is not copied through the buffer.
func TestReadBufReadsLargeStraightThrough(t *testing.T) {
	src := &scriptedReader{chunks: [][]byte{seq(9), seq(4 << 10)}}
	b := newReadBuf(src)
	_, err := io.ReadFull(b, make([]byte, 9))
	require.NoError(t, err)
	require.Zero(t, b.Buffered())
	p := make([]byte, 4<<10)
	_, err = io.ReadFull(b, p)
	require.NoError(t, err)
	require.Equal(t, seq(4<<10), p)
	require.Nil(t, b.large)
}

// countingWriter records each Write it gets.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

func TestSendBufBorrowsOnlyUntilFlush(t *testing.T) {
	var dst countingWriter
	s := newSendBuf(&dst)
	var want []byte
	write := func(p []byte) {
		t.Helper()
		n, err := s.Write(p)
		require.NoError(t, err)
		require.Equal(t, len(p), n)
		want = append(want, p...)
	}

	write(seq(100))
	write(seq(200))
	require.Nil(t, s.large, "what fits in the small buffer waits there")
	require.Zero(t, dst.writes)

	write(seq(ioSmall))
	require.NotNil(t, s.large, "more than the small buffer holds: the large one is borrowed")
	require.Zero(t, dst.writes)
	write(seq(ioLarge)) // fills the large buffer: written out, the rest kept
	require.Equal(t, 1, dst.writes)

	require.NoError(t, s.Flush())
	require.Nil(t, s.large, "the flush gives the large buffer back")
	require.Equal(t, 2, dst.writes, "everything went out in as few writes as the buffer allows")
	require.Equal(t, want, dst.Bytes())

	// With nothing buffered, a write as large as the large buffer goes
	// straight out.
	big := seq(ioLarge + 5)
	write(big)
	require.Equal(t, 3, dst.writes)
	require.Zero(t, s.Buffered())
	require.Nil(t, s.large)
	require.Equal(t, want, dst.Bytes())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// A failed write fails every later one, as bufio.Writer's do.
func TestSendBufKeepsItsError(t *testing.T) {
	s := newSendBuf(failingWriter{})
	_, err := s.Write(seq(10))
	require.NoError(t, err, "buffered: nothing written yet")
	require.ErrorIs(t, s.Flush(), io.ErrClosedPipe)
	_, err = s.Write(seq(10))
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.ErrorIs(t, s.Flush(), io.ErrClosedPipe)
}

// On a plain socket a DATA payload is read straight into its buffer with
// the bytes after it going to the read buffer in the same readv: frames
// of every size, small and larger than the buffers, read back exactly,
// and a payload cut short by the peer's close is an unexpected EOF.
func TestReadBufScattersPayloadsOnSockets(t *testing.T) {
	for name, pair := range map[string]func(*testing.T) (net.Conn, net.Conn){"tcp": tcpPair, "unix": unixPair} {
		t.Run(name, func(t *testing.T) {
			src, dst := pair(t)
			b := newReadBuf(dst)
			if runtime.GOOS == "linux" {
				require.NotNil(t, b.sc, "a socket reads payloads with readv")
			}
			rng := rand.New(rand.NewPCG(3, 4))
			var sizes []int
			var stream bytes.Buffer
			for range 300 {
				n := rng.IntN(100 << 10)
				if rng.IntN(3) == 0 {
					n = rng.IntN(64)
				}
				sizes = append(sizes, n)
				stream.Write([]byte{byte(n >> 16), byte(n >> 8), byte(n), 0, 0, 0, 0, 0, 1})
				for range n {
					stream.WriteByte(byte(rng.Uint32()))
				}
			}
			want := stream.Bytes()
			wrote := make(chan error, 1)
			go func() {
				_, err := src.Write(append(bytes.Clone(want), 0, 0, 9)) // and a header cut short...
				wrote <- err
			}()
			var got []byte
			for _, n := range sizes {
				hdr := make([]byte, 9)
				_, err := io.ReadFull(b, hdr)
				require.NoError(t, err)
				require.Equal(t, n, int(hdr[0])<<16|int(hdr[1])<<8|int(hdr[2]))
				p := make([]byte, n)
				require.NoError(t, b.readPayload(p))
				got = append(append(got, hdr...), p...)
			}
			require.True(t, bytes.Equal(want, got), "every frame read back as written")
			require.NoError(t, <-wrote)
			hdr := make([]byte, 3)
			_, err := io.ReadFull(b, hdr)
			require.NoError(t, err)
			src.Close() // ...and its payload never sent
			require.ErrorIs(t, b.readPayload(make([]byte, 9)), io.ErrUnexpectedEOF)
		})
	}
}
