package connactor

import (
	"bytes"
	"crypto/tls"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// unixPair returns the two ends of a unix socket connection; both are
// closed when the test ends.
func unixPair(t *testing.T) (dialed, accepted net.Conn) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	require.NoError(t, err)
	defer ln.Close()
	accepted_ := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted_ <- c
	}()
	dialed, err = net.Dial("unix", ln.Addr().String())
	acc := <-accepted_
	require.NoError(t, err)
	require.NotNil(t, acc)
	t.Cleanup(func() {
		dialed.Close()
		acc.Close()
	})
	return dialed, acc
}

// readAll reads n bytes from c on a goroutine of its own, so that the
// test can write more than the socket buffers hold.
func readAll(c net.Conn, n int) <-chan []byte {
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, n)
		k, _ := io.ReadFull(c, b)
		got <- b[:k]
	}()
	return got
}

// On plain TCP and unix sockets, a large payload is lent, not copied,
// and goes out in order with the bytes buffered around it, whether the
// buffer or lendMax sends it: the peer reads exactly what was given.
func TestSendBufLendsOnSockets(t *testing.T) {
	for name, pair := range map[string]func(*testing.T) (net.Conn, net.Conn){"tcp": tcpPair, "unix": unixPair} {
		t.Run(name, func(t *testing.T) {
			src, dst := pair(t)
			s := newSendBuf(src)
			require.True(t, s.vectored)
			rng := rand.New(rand.NewPCG(1, 2))
			var want bytes.Buffer
			var pieces [][]byte
			for range 400 {
				n := rng.IntN(3 * lendMin)
				if rng.IntN(4) == 0 {
					n = rng.IntN(40) // frame headers and small frames
				}
				p := make([]byte, n)
				for i := range p {
					p[i] = byte(rng.Uint32())
				}
				pieces = append(pieces, p)
				want.Write(p)
			}
			got := readAll(dst, want.Len())
			lentOnce := false
			for i, p := range pieces {
				if i%2 == 0 {
					_, err := s.Write(p)
					require.NoError(t, err)
				} else {
					require.NoError(t, s.lend(p))
					lentOnce = lentOnce || s.lending()
				}
				require.LessOrEqual(t, s.lent, lendMax, "lent bytes are written once lendMax is reached")
			}
			require.True(t, lentOnce, "large payloads were lent")
			require.NoError(t, s.Flush())
			require.False(t, s.lending(), "a flush writes what was lent")
			require.Equal(t, s.taken, s.out)
			require.True(t, bytes.Equal(want.Bytes(), <-got), "the peer read what was written, in order")
		})
	}
}

// A TLS connection (which copies into records anyway) and any writer
// that is not a socket of the standard library get copies: lend never
// lends.
func TestSendBufCopiesElsewhere(t *testing.T) {
	a, _ := tcpPair(t)
	for name, dst := range map[string]io.Writer{
		"tls":     tls.Client(a, &tls.Config{InsecureSkipVerify: true}),
		"wrapped": discardConn{},
		"buffer":  new(bytes.Buffer),
	} {
		s := newSendBuf(dst)
		require.False(t, s.vectored, name)
		if name == "tls" {
			continue // its handshake has no peer here
		}
		require.NoError(t, s.lend(make([]byte, 2*lendMin)), name)
		require.False(t, s.lending(), "%s: copied, not lent", name)
	}
}

// A Write whose Data was lent to the socket buffer is finished (Done
// sent, a Pooled buffer put back, where bufpool's race build poisons it)
// only once the bytes were written: before, the peer would read what the
// next owner of the buffer wrote into it. The peer reads the message
// byte-exact, with Writes of other streams interleaved.
func TestWriterFinishesLentWritesOnceWritten(t *testing.T) {
	src, dst := unixPair(t)
	w := newWriter(src, time.Minute, 16)
	require.True(t, w.bw.vectored)
	w.applyPeerSettings([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: maxWindow}})
	w.connWindow = maxWindow

	const size = 100 << 10 // under lendMax: only the flush writes it
	msg := func(seed uint64) []byte {
		b := bufpool.Get(size)[:size]
		rng := rand.New(rand.NewPCG(seed, seed))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	want1, want3 := bytes.Clone(msg(1)), bytes.Clone(msg(3))
	done1, done3 := make(chan error, 1), make(chan error, 1)

	peer := make(chan map[uint32][]byte, 1)
	go func() {
		fr := http2.NewFramer(io.Discard, dst)
		fr.SetMaxReadFrameSize(maxMaxFrameSize)
		data := map[uint32][]byte{}
		for ends := 0; ends < 2; {
			f, err := fr.ReadFrame()
			if err != nil {
				break
			}
			if d, ok := f.(*http2.DataFrame); ok {
				data[d.StreamID] = append(data[d.StreamID], d.Data()...)
				if d.StreamEnded() {
					ends++
				}
			}
		}
		peer <- data
	}()

	w.testHandle(t, announceOp(1))
	w.testHandle(t, announceOp(3))
	w.testHandle(t, writeOp(Write{StreamID: 1, Data: msg(1), Pooled: true, EndStream: true, Done: done1}))
	w.testHandle(t, writeOp(Write{StreamID: 3, Data: msg(3), Pooled: true, EndStream: true, Done: done3}))
	for len(w.runnable) > 0 { // a Write larger than a quantum takes turns
		w.serveRunnable()
	}
	require.NoError(t, w.err)
	require.True(t, w.bw.lending(), "the payloads were lent")
	require.Len(t, done1, 0, "not finished while its bytes are lent")
	require.Len(t, done3, 0, "not finished while its bytes are lent")
	require.NoError(t, w.flush())
	require.NoError(t, <-done1)
	require.NoError(t, <-done3)

	got := <-peer
	require.True(t, bytes.Equal(want1, got[1]), "stream 1's bytes arrived as sent")
	require.True(t, bytes.Equal(want3, got[3]), "stream 3's bytes arrived as sent")
}

// A stream reset while part of its Write is lent has the Write finished
// (its buffer put back) only after the lent part is written.
func TestWriterDropsLentWritesAfterTheirWrite(t *testing.T) {
	src, dst := unixPair(t)
	got := readAll(dst, 1) // the peer reads; the test needs no more than a byte
	w := newWriter(src, time.Minute, 16)
	w.applyPeerSettings([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 2 * lendMin}})
	w.connWindow = maxWindow
	done := make(chan error, 1)
	w.testHandle(t, announceOp(1))
	w.testHandle(t, writeOp(Write{StreamID: 1, Data: make([]byte, 4*lendMin), EndStream: true, Done: done}))
	require.True(t, w.bw.lending(), "the window's worth was lent")
	require.Len(t, w.streams[1].queue, 1, "the rest waits for window")
	w.testHandle(t, rstOp(1, http2.ErrCodeCancel))
	require.Len(t, done, 0, "the dropped Write waits for its lent bytes to be written")
	require.NoError(t, w.flush())
	require.ErrorIs(t, <-done, ErrStreamClosed)
	<-got
}
