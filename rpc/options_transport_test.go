package rpc_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/rpc"
)

// announced is what one side's first frames told the other: its SETTINGS
// and how far it opened the connection's window.
type announced struct {
	settings   map[http2.SettingID]uint32
	connWindow uint32 // 65535 plus the first connection-level WINDOW_UPDATE
}

// readAnnouncement reads frames from fr until it has the peer's SETTINGS
// and its first connection WINDOW_UPDATE (a peer keeping the default
// window sends none: then the SETTINGS are followed by something else).
func readAnnouncement(t *testing.T, c net.Conn, fr *http2.Framer) announced {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	a := announced{settings: map[http2.SettingID]uint32{}, connWindow: 65535}
	gotSettings := false
	for {
		f, err := fr.ReadFrame()
		require.NoError(t, err)
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if f.IsAck() {
				continue
			}
			f.ForeachSetting(func(s http2.Setting) error { a.settings[s.ID] = s.Val; return nil })
			gotSettings = true
		case *http2.WindowUpdateFrame:
			if f.StreamID == 0 {
				a.connWindow += f.Increment
				return a
			}
		default:
			if gotSettings {
				return a
			}
		}
	}
}

// TestServerTransportOptions: InitialWindowSize, InitialConnWindowSize
// and MaxHeaderListSize reach the SETTINGS and the connection window a
// client is shown; values under 64 KiB are ignored, as grpc-go ignores them.
func TestServerTransportOptions(t *testing.T) {
	s := rpc.NewServer(rpc.InitialWindowSize(128<<10), rpc.InitialConnWindowSize(512<<10),
		rpc.MaxHeaderListSize(32<<10), rpc.InitialWindowSize(1000))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	defer func() { s.Stop(); require.NoError(t, <-served) }()

	c, err := net.Dial("tcp", lis.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, http2.ClientPreface)
	require.NoError(t, err)
	fr := http2.NewFramer(c, c)
	require.NoError(t, fr.WriteSettings())
	a := readAnnouncement(t, c, fr)
	assert.Equal(t, uint32(128<<10), a.settings[http2.SettingInitialWindowSize])
	assert.Equal(t, uint32(32<<10), a.settings[http2.SettingMaxHeaderListSize])
	assert.Equal(t, uint32(512<<10), a.connWindow)
}

// TestClientTransportOptions: the dial options reach the SETTINGS and
// connection window a server is shown.
func TestClientTransportOptions(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer lis.Close()
	cc := newProbeClient(t, lis.Addr().String(), rpc.WithInitialWindowSize(256<<10),
		rpc.WithInitialConnWindowSize(1<<20), rpc.WithMaxHeaderListSize(16<<10))
	cc.Connect()

	c, err := lis.Accept()
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	preface := make([]byte, len(http2.ClientPreface))
	_, err = io.ReadFull(c, preface)
	require.NoError(t, err)
	require.Equal(t, http2.ClientPreface, string(preface))
	fr := http2.NewFramer(c, c)
	require.NoError(t, fr.WriteSettings())
	a := readAnnouncement(t, c, fr)
	assert.Equal(t, uint32(256<<10), a.settings[http2.SettingInitialWindowSize])
	assert.Equal(t, uint32(16<<10), a.settings[http2.SettingMaxHeaderListSize])
	assert.Equal(t, uint32(1<<20), a.connWindow)
}
