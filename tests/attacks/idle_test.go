package attacks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// TestIdleConnections: 500 connections that finish the handshake and then
// say nothing cost the process (server and these thin clients both) less
// than 64 KiB of heap each.
func TestIdleConnections(t *testing.T) {
	addr := serve(t)
	h := newHeapGrowth()
	const n = 500
	for range n {
		s := dialSilent(t, addr)
		require.NoError(t, s.nc.SetReadDeadline(time.Now().Add(failsafe)))
		f, err := s.fr.ReadFrame()
		require.NoError(t, err)
		require.Equal(t, http2.FrameSettings, f.Header().Type)
		require.NoError(t, s.fr.WriteSettingsAck())
	}
	growth := h.sample()
	t.Logf("idle connections: %d hold %.1f KiB each", n, float64(growth)/n/1024)
	h.requireBelow(t, n*64<<10, "500 idle connections")
}
