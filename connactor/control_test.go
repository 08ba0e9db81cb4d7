package connactor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

func TestPingIsAcked(t *testing.T) {
	for _, role := range []Role{RoleClient, RoleServer} {
		t.Run(role.String(), func(t *testing.T) {
			var p *peer
			if role == RoleClient {
				_, p = dialPeer(t, Config{})
			} else {
				_, p = acceptPeer(t, serverConfig(make(chan acceptedStream, 1)))
			}
			data := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
			// A PING ACK from the peer is not answered.
			require.NoError(t, p.fr.WritePing(true, [8]byte{9, 9, 9}))
			require.NoError(t, p.fr.WritePing(false, data))
			f := p.next()
			require.Equal(t, http2.FramePing, f.typ, "%v", f)
			require.True(t, f.ack())
			require.Equal(t, uint32(0), f.stream)
			require.Equal(t, data, f.ping, "the ACK carries the PING's data")
		})
	}
}

func TestSettingsAreAcked(t *testing.T) {
	c, p := dialPeer(t, Config{})
	p.settings(http2.Setting{ID: http2.SettingMaxFrameSize, Val: 20000},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 20})
	f := p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "%v", f)
	require.True(t, f.ack())
	p.fr.SetMaxReadFrameSize(20000)

	// The new settings apply to what is sent after the ACK.
	payload := seq(100000)
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m"), Data: payload, EndStream: true})
	p.waitHeaders(s.ID)
	got := collectData(t, p, s.ID, 65535) // the connection window
	p.windowUpdate(0, 100000)
	got = append(got, collectData(t, p, s.ID, 100000-65535)...)
	require.Equal(t, payload, got)

	// An empty SETTINGS is acked too; an ACK is not.
	require.NoError(t, p.fr.WriteSettingsAck())
	p.settings()
	f = p.next()
	require.Equal(t, http2.FrameSettings, f.typ, "%v", f)
	require.True(t, f.ack())
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameSettings, f.typ, "a SETTINGS ACK is never acked: %v", f)
	}
}

// TestPeerLowersInitialWindowSize: a SETTINGS that lowers
// INITIAL_WINDOW_SIZE applies to open streams too (RFC 9113 6.9.2).
func TestPeerLowersInitialWindowSize(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	p.settings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 100})
	p.waitFor("SETTINGS ACK", func(f rframe) bool { return f.typ == http2.FrameSettings && f.ack() })
	payload := seq(300)
	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Data: payload, EndStream: true, Done: done}))
	got := collectData(t, p, s.ID, 100)
	for _, f := range p.pingBarrier() {
		require.NotEqual(t, http2.FrameData, f.typ, "DATA beyond the lowered window: %v", f)
	}
	requireNoDone(t, done)
	p.windowUpdate(s.ID, 200)
	got = append(got, collectData(t, p, s.ID, 200)...)
	require.Equal(t, payload, got)
	requireDone(t, done)
}

func TestInspect(t *testing.T) {
	c, p := dialPeer(t, Config{Name: "inspected"})
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(3)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	info := c.Inspect(ctx)
	require.True(t, info.Running)
	require.Contains(t, info.Name, "inspected")
	require.GreaterOrEqual(t, info.MailboxDepth, 0)
	require.True(t, strings.Contains(info.State, "2 streams"), "state: %q", info.State)
	require.Contains(t, info.State, "client")
	require.NoError(t, info.ExitReason)

	closeConn(t, c)
	info = c.Inspect(ctx)
	require.False(t, info.Running)
	require.Empty(t, info.State)
}

func TestCloseEndsStreams(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	c.Close(context.Canceled)
	waitConnDone(t, c)
	evs := s.TakeOver()
	require.NotEmpty(t, evs)
	last := evs[len(evs)-1]
	require.Equal(t, EventClosed, last.Kind)
	require.ErrorIs(t, last.Err, context.Canceled, "the streams end with the reason Close was given")
	p.expectHangUp()
}

// TestWriteAfterConnEndFails: a Write once the connection has ended must
// fail, either at once or through its Done; otherwise a stream waiting on
// Done waits for ever. (The writer's mailbox has room left after the
// writer ended, so a select between sending into it and wdone picks the
// dead mailbox half the time.)
func TestWriteAfterConnEndFails(t *testing.T) {
	c, p := dialPeer(t, Config{})
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	closeConn(t, c)
	for i := range 20 {
		done := make(chan error, 1)
		err := s.Write(Write{Data: []byte("x"), Done: done})
		if err != nil {
			require.ErrorIs(t, err, ErrConnClosed)
			continue
		}
		select {
		case err := <-done:
			require.Error(t, err, "write %d after the end reported success", i)
		case <-time.After(time.Second):
			t.Fatalf("write %d after the connection ended was accepted and never finished", i)
		}
	}
}
