package connactor

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"

	"github.com/actorpc/actorpc/actors"
)

func settingsMap(s []http2.Setting) map[http2.SettingID]uint32 {
	m := make(map[http2.SettingID]uint32)
	for _, st := range s {
		m[st.ID] = st.Val
	}
	return m
}

func TestDialHandshake(t *testing.T) {
	cli, srv := tcpPair(t)
	p := newPeer(t, srv)
	cc := newConnCleanup(t, cli)
	cfg := Config{StreamWindow: 1 << 20, ConnWindow: 4 << 20, MaxFrameSize: 32 << 10}
	go func() {
		c, err := Dial(context.Background(), cli, cfg)
		cc.res <- connResult{c, err}
	}()

	p.readPreface()
	f := p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "after the preface: %v", f)
	require.False(t, f.ack())
	got := settingsMap(f.settings)
	require.Equal(t, uint32(0), got[http2.SettingEnablePush], "a client disables push")
	require.Contains(t, got, http2.SettingEnablePush)
	require.Equal(t, uint32(1<<20), got[http2.SettingInitialWindowSize])
	require.Equal(t, uint32(32<<10), got[http2.SettingMaxFrameSize])

	f = p.next()
	require.Equal(t, http2.FrameWindowUpdate, f.typ, "the connection window grant: %v", f)
	require.Equal(t, uint32(0), f.stream)
	require.Equal(t, uint32(4<<20-65535), f.incr)

	require.Zero(t, len(cc.res), "Dial returned before the server's SETTINGS")
	p.settings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 100})

	r := cc.wait(t)
	require.NoError(t, r.err)
	require.NotNil(t, r.c)
	require.Equal(t, srv.LocalAddr().String(), r.c.RemoteAddr().String())

	f = p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "Dial ACKs the server's SETTINGS: %v", f)
	require.True(t, f.ack())
	require.NoError(t, p.fr.WriteSettingsAck())

	// The connection runs.
	p.pingBarrier()
	require.False(t, isClosed(r.c.Done()))
}

func TestAcceptHandshake(t *testing.T) {
	cli, srv := tcpPair(t)
	p := newPeer(t, cli)
	cc := newConnCleanup(t, srv)
	cfg := Config{MaxConcurrentStreams: 7, StreamWindow: 100000, Accept: func(*Stream) *actors.Ref { return nil }}
	go func() {
		c, err := Accept(context.Background(), srv, cfg)
		cc.res <- connResult{c, err}
	}()
	_, err := io.WriteString(cli, http2.ClientPreface)
	require.NoError(t, err)

	f := p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "the server opens with SETTINGS: %v", f)
	require.False(t, f.ack())
	got := settingsMap(f.settings)
	require.Equal(t, uint32(7), got[http2.SettingMaxConcurrentStreams])
	require.Equal(t, uint32(100000), got[http2.SettingInitialWindowSize])
	require.NotContains(t, got, http2.SettingEnablePush, "a server must not send ENABLE_PUSH")
	f = p.next()
	require.Equal(t, http2.FrameWindowUpdate, f.typ, "%v", f)
	require.Equal(t, uint32(4<<20-65535), f.incr)

	require.Zero(t, len(cc.res), "Accept returned before the client's SETTINGS")
	p.settings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 20})
	r := cc.wait(t)
	require.NoError(t, r.err)

	f = p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "Accept ACKs the client's SETTINGS: %v", f)
	require.True(t, f.ack())
	require.NoError(t, p.fr.WriteSettingsAck())
	p.pingBarrier()
}

func TestAcceptRejectsWrongPreface(t *testing.T) {
	cli, srv := tcpPair(t)
	cc := newConnCleanup(t, srv)
	go func() {
		c, err := Accept(context.Background(), srv, Config{})
		cc.res <- connResult{c, err}
	}()
	_, err := io.WriteString(cli, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
	require.NoError(t, err)
	r := cc.wait(t)
	require.Error(t, r.err)
	require.Nil(t, r.c)
	require.Contains(t, r.err.Error(), "preface")
}

func TestHandshakeFirstFrameNotSettings(t *testing.T) {
	t.Run("dial", func(t *testing.T) {
		cli, srv := tcpPair(t)
		p := newPeer(t, srv)
		cc := newConnCleanup(t, cli)
		go func() {
			c, err := Dial(context.Background(), cli, Config{})
			cc.res <- connResult{c, err}
		}()
		p.readPreface()
		require.NoError(t, p.fr.WritePing(false, [8]byte{1}))
		r := cc.wait(t)
		require.Error(t, r.err)
		require.Nil(t, r.c)
		require.Contains(t, r.err.Error(), "SETTINGS")
	})
	t.Run("dial settings ack", func(t *testing.T) {
		cli, srv := tcpPair(t)
		p := newPeer(t, srv)
		cc := newConnCleanup(t, cli)
		go func() {
			c, err := Dial(context.Background(), cli, Config{})
			cc.res <- connResult{c, err}
		}()
		p.readPreface()
		require.NoError(t, p.fr.WriteSettingsAck())
		r := cc.wait(t)
		require.Error(t, r.err, "a SETTINGS ACK is not the server's SETTINGS")
		require.Contains(t, r.err.Error(), "SETTINGS")
	})
	t.Run("accept", func(t *testing.T) {
		cli, srv := tcpPair(t)
		p := newPeer(t, cli)
		cc := newConnCleanup(t, srv)
		go func() {
			c, err := Accept(context.Background(), srv, Config{})
			cc.res <- connResult{c, err}
		}()
		_, err := io.WriteString(cli, http2.ClientPreface)
		require.NoError(t, err)
		require.NoError(t, p.fr.WritePing(false, [8]byte{1}))
		r := cc.wait(t)
		require.Error(t, r.err)
		require.Nil(t, r.c)
		require.Contains(t, r.err.Error(), "SETTINGS")
		f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
		require.Equal(t, http2.ErrCodeProtocol, f.code)
	})
}

// A first SETTINGS with a window above 2^31-1 is a FLOW_CONTROL_ERROR
// (RFC 9113 6.5.2), not a PROTOCOL_ERROR; found by FuzzServerConn.
func TestAcceptBadInitialWindowIsFlowControlError(t *testing.T) {
	cli, srv := tcpPair(t)
	p := newPeer(t, cli)
	cc := newConnCleanup(t, srv)
	go func() {
		c, err := Accept(context.Background(), srv, Config{})
		cc.res <- connResult{c, err}
	}()
	_, err := io.WriteString(cli, http2.ClientPreface)
	require.NoError(t, err)
	// The framer refuses to write the bad value, so write the frame raw.
	frame := []byte{0, 0, 6, byte(http2.FrameSettings), 0, 0, 0, 0, 0,
		0, byte(http2.SettingInitialWindowSize), 0x80, 0, 0, 0}
	_, err = cli.Write(frame)
	require.NoError(t, err)
	r := cc.wait(t)
	require.Error(t, r.err)
	require.Nil(t, r.c)
	f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(t, http2.ErrCodeFlowControl, f.code)
}

func TestHandshakeTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	check := func(t *testing.T, start time.Time, r connResult) {
		require.Error(t, r.err)
		require.Nil(t, r.c)
		require.True(t, errors.Is(r.err, os.ErrDeadlineExceeded), "want a deadline error, got %v", r.err)
		require.GreaterOrEqual(t, time.Since(start), timeout/2, "failed before the timeout: %v", r.err)
	}
	t.Run("dial", func(t *testing.T) {
		cli, _ := tcpPair(t) // the server says nothing
		cc := newConnCleanup(t, cli)
		start := time.Now()
		go func() {
			c, err := Dial(context.Background(), cli, Config{HandshakeTimeout: timeout})
			cc.res <- connResult{c, err}
		}()
		check(t, start, cc.wait(t))
	})
	t.Run("accept", func(t *testing.T) {
		_, srv := tcpPair(t) // the client says nothing
		cc := newConnCleanup(t, srv)
		start := time.Now()
		go func() {
			c, err := Accept(context.Background(), srv, Config{HandshakeTimeout: timeout})
			cc.res <- connResult{c, err}
		}()
		check(t, start, cc.wait(t))
	})
	t.Run("accept after preface", func(t *testing.T) {
		cli, srv := tcpPair(t)
		cc := newConnCleanup(t, srv)
		start := time.Now()
		go func() {
			c, err := Accept(context.Background(), srv, Config{HandshakeTimeout: timeout})
			cc.res <- connResult{c, err}
		}()
		_, err := io.WriteString(cli, http2.ClientPreface) // and then no SETTINGS
		require.NoError(t, err)
		check(t, start, cc.wait(t))
	})
	t.Run("dial context", func(t *testing.T) {
		cli, _ := tcpPair(t)
		cc := newConnCleanup(t, cli)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			c, err := Dial(ctx, cli, Config{})
			cc.res <- connResult{c, err}
		}()
		cancel()
		r := cc.wait(t)
		require.Error(t, r.err, "a cancelled context ends the handshake")
		require.Nil(t, r.c)
	})
}
