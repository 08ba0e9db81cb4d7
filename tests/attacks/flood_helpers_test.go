package attacks

import (
	"errors"
	"net"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// ready reads the server's SETTINGS and acknowledges them.
func (c *rawClient) ready() {
	c.t.Helper()
	c.until("the server's SETTINGS", func(f frame) bool { return f.typ == http2.FrameSettings && !f.ack })
	require.NoError(c.t, c.fr.WriteSettingsAck())
}

// endOrPing tells how a connection fared after a flood: it sends a PING
// and reads until its ACK (the connection kept serving, nil returned) or
// until the server hung up (the GOAWAY seen before, if any, returned).
func (c *rawClient) endOrPing() (goAway *frame, alive bool) {
	c.t.Helper()
	pingErr := c.fr.WritePing(false, [8]byte{'a', 'l', 'i', 'v', 'e'})
	for {
		f := c.next()
		switch {
		case f.typ == http2.FrameGoAway:
			goAway = &f
		case f.typ == http2.FramePing && f.ack && pingErr == nil && goAway == nil:
			return nil, true
		case f.readErr != nil:
			return goAway, false
		}
	}
}

// silentConn is a connection whose client writes frames and reads none
// until it is told to: the server's replies can only pile up.
type silentConn struct {
	nc net.Conn
	fr *http2.Framer
}

// dialSilent connects and sends the preface and empty SETTINGS.
func dialSilent(t *testing.T, addr string) *silentConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, failsafe)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	_, err = nc.Write([]byte(http2.ClientPreface))
	require.NoError(t, err)
	fr := http2.NewFramer(nc, nc)
	fr.AllowIllegalWrites = true
	require.NoError(t, fr.WriteSettings())
	return &silentConn{nc: nc, fr: fr}
}

// flood writes frames with write until n are written, the server stops
// reading for stall (its back-pressure: the write timed out), or the
// connection ends. It returns how many were written and why it stopped.
func (s *silentConn) flood(n int, stall time.Duration, write func(*http2.Framer) error) (int, error) {
	for i := range n {
		if err := s.nc.SetWriteDeadline(time.Now().Add(stall)); err != nil {
			return i, err
		}
		if err := write(s.fr); err != nil {
			return i, err
		}
	}
	return n, nil
}

// drain reads every frame until the connection ends or quiet passes with
// nothing, returning the GOAWAY if one came and how many frames came.
func (s *silentConn) drain(t *testing.T, quiet time.Duration) (goAway *frame, frames int, ended bool) {
	t.Helper()
	for {
		require.NoError(t, s.nc.SetReadDeadline(time.Now().Add(quiet)))
		f, err := s.fr.ReadFrame()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return goAway, frames, false
		}
		if err != nil {
			return goAway, frames, true
		}
		frames++
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			c := copyFrame(ga)
			goAway = &c
		}
	}
}

// timedOut tells a write that timed out (the server stopped reading) from
// other errors.
func timedOut(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// goroutines is how many goroutines the process runs now.
func goroutines() int { return runtime.NumGoroutine() }
