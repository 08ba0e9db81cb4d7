package connactor

// A raw HTTP/2 peer for driving a Conn from the other end of a loopback TCP
// connection, built on x/net/http2's Framer and HPACK. Every peer action
// runs on the test goroutine, and every read is bounded by waitLimit, so a
// test that goes wrong fails instead of hanging.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/actors"
)

// waitLimit bounds every wait in these tests; nothing should come close.
const waitLimit = 10 * time.Second

// tcpPair returns the two ends of a loopback TCP connection; both are
// closed when the test ends.
func tcpPair(t *testing.T) (dialed, accepted net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		ch <- result{c, err}
	}()
	dialed, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		ln.Close()
		<-ch
		require.NoError(t, err)
	}
	r := <-ch
	require.NoError(t, r.err)
	t.Cleanup(func() {
		dialed.Close()
		r.c.Close()
	})
	return dialed, r.c
}

// rframe is a frame the peer read, copied out of the framer.
type rframe struct {
	typ      http2.FrameType
	stream   uint32
	flags    http2.Flags
	length   uint32
	data     []byte
	fields   []hpack.HeaderField
	settings []http2.Setting
	ping     [8]byte
	code     http2.ErrCode
	lastID   uint32
	debug    string
	incr     uint32
}

func (f rframe) endStream() bool {
	switch f.typ {
	case http2.FrameData:
		return f.flags.Has(http2.FlagDataEndStream)
	case http2.FrameHeaders:
		return f.flags.Has(http2.FlagHeadersEndStream)
	}
	return false
}

func (f rframe) ack() bool {
	switch f.typ {
	case http2.FrameSettings:
		return f.flags.Has(http2.FlagSettingsAck)
	case http2.FramePing:
		return f.flags.Has(http2.FlagPingAck)
	}
	return false
}

func (f rframe) String() string {
	s := fmt.Sprintf("%v stream=%d flags=%#x len=%d", f.typ, f.stream, uint8(f.flags), f.length)
	switch f.typ {
	case http2.FrameRSTStream:
		s += fmt.Sprintf(" code=%v", f.code)
	case http2.FrameGoAway:
		s += fmt.Sprintf(" code=%v last=%d debug=%q", f.code, f.lastID, f.debug)
	case http2.FrameWindowUpdate:
		s += fmt.Sprintf(" incr=%d", f.incr)
	case http2.FramePing:
		s += fmt.Sprintf(" data=%x", f.ping)
	case http2.FrameHeaders:
		s += fmt.Sprintf(" fields=%v", f.fields)
	}
	return s
}

type peer struct {
	t    *testing.T
	nc   net.Conn
	fr   *http2.Framer
	henc *hpack.Encoder
	hbuf bytes.Buffer
	ping uint64 // for unique PING payloads
}

func newPeer(t *testing.T, nc net.Conn) *peer {
	p := &peer{t: t, nc: nc}
	p.fr = http2.NewFramer(nc, nc)
	p.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	p.fr.MaxHeaderListSize = 1 << 20
	// Our default SETTINGS_MAX_FRAME_SIZE: the Conn must never send more.
	p.fr.SetMaxReadFrameSize(minMaxFrameSize)
	p.henc = hpack.NewEncoder(&p.hbuf)
	return p
}

// read reads one frame; err is set when the connection failed or closed.
func (p *peer) read() (rframe, error) {
	p.nc.SetReadDeadline(time.Now().Add(waitLimit))
	fr, err := p.fr.ReadFrame()
	if err != nil {
		return rframe{}, err
	}
	h := fr.Header()
	f := rframe{typ: h.Type, stream: h.StreamID, flags: h.Flags, length: h.Length}
	switch fr := fr.(type) {
	case *http2.DataFrame:
		f.data = append([]byte{}, fr.Data()...)
	case *http2.MetaHeadersFrame:
		f.fields = append([]hpack.HeaderField(nil), fr.Fields...)
	case *http2.SettingsFrame:
		fr.ForeachSetting(func(s http2.Setting) error {
			f.settings = append(f.settings, s)
			return nil
		})
	case *http2.PingFrame:
		f.ping = fr.Data
	case *http2.RSTStreamFrame:
		f.code = fr.ErrCode
	case *http2.GoAwayFrame:
		f.code = fr.ErrCode
		f.lastID = fr.LastStreamID
		f.debug = string(fr.DebugData())
	case *http2.WindowUpdateFrame:
		f.incr = fr.Increment
	}
	return f, nil
}

func (p *peer) next() rframe {
	p.t.Helper()
	f, err := p.read()
	require.NoError(p.t, err, "peer: reading a frame")
	return f
}

// waitFor reads frames until one matches; the ones before are returned too.
func (p *peer) waitFor(what string, match func(rframe) bool) (rframe, []rframe) {
	p.t.Helper()
	var skipped []rframe
	for {
		f, err := p.read()
		if err != nil {
			p.t.Fatalf("peer: waiting for %s: %v; frames read meanwhile: %v", what, err, skipped)
		}
		if match(f) {
			return f, skipped
		}
		skipped = append(skipped, f)
	}
}

func isType(typ http2.FrameType, stream uint32) func(rframe) bool {
	return func(f rframe) bool { return f.typ == typ && f.stream == stream }
}

func (p *peer) waitHeaders(stream uint32) rframe {
	p.t.Helper()
	f, _ := p.waitFor(fmt.Sprintf("HEADERS on stream %d", stream), isType(http2.FrameHeaders, stream))
	return f
}

func (p *peer) waitRST(stream uint32) rframe {
	p.t.Helper()
	f, _ := p.waitFor(fmt.Sprintf("RST_STREAM on stream %d", stream), isType(http2.FrameRSTStream, stream))
	return f
}

// waitData reads DATA frames of stream until n bytes came, returning them.
func (p *peer) waitData(stream uint32, n int) []rframe {
	p.t.Helper()
	var got []rframe
	total := 0
	for total < n {
		f, _ := p.waitFor(fmt.Sprintf("DATA on stream %d", stream), isType(http2.FrameData, stream))
		got = append(got, f)
		total += len(f.data)
	}
	require.Equal(p.t, n, total, "DATA bytes on stream %d", stream)
	return got
}

// pingBarrier sends a PING and returns every frame the Conn sent before
// its ACK. The Conn handles frames in order, so whatever it did about the
// frames sent before the PING is in the result.
func (p *peer) pingBarrier() []rframe {
	p.t.Helper()
	p.ping++
	var data [8]byte
	copy(data[:], fmt.Sprintf("b%07d", p.ping))
	require.NoError(p.t, p.fr.WritePing(false, data))
	_, before := p.waitFor("PING ACK", func(f rframe) bool {
		return f.typ == http2.FramePing && f.ack() && f.ping == data
	})
	return before
}

// expectGoAway reads until GOAWAY, checks its code, then expects the Conn
// to hang up.
func (p *peer) expectGoAway(code http2.ErrCode) rframe {
	p.t.Helper()
	f, _ := p.waitFor("GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(p.t, code, f.code, "GOAWAY code (debug %q)", f.debug)
	p.expectHangUp()
	return f
}

// expectHangUp reads until the Conn closes the socket.
func (p *peer) expectHangUp() {
	p.t.Helper()
	for {
		if _, err := p.read(); err != nil {
			require.False(p.t, errors.Is(err, os.ErrDeadlineExceeded), "the Conn did not close the socket")
			return
		}
	}
}

func (p *peer) encode(fields []hpack.HeaderField) []byte {
	p.hbuf.Reset()
	for _, f := range fields {
		require.NoError(p.t, p.henc.WriteField(f))
	}
	return append([]byte(nil), p.hbuf.Bytes()...)
}

func (p *peer) headers(stream uint32, end bool, fields []hpack.HeaderField) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID:      stream,
		BlockFragment: p.encode(fields),
		EndStream:     end,
		EndHeaders:    true,
	}))
}

func (p *peer) data(stream uint32, end bool, b []byte) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteData(stream, end, b))
}

func (p *peer) settings(s ...http2.Setting) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteSettings(s...))
}

func (p *peer) rst(stream uint32, code http2.ErrCode) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteRSTStream(stream, code))
}

func (p *peer) goAway(lastID uint32, code http2.ErrCode) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteGoAway(lastID, code, []byte("test peer")))
}

func (p *peer) windowUpdate(stream, incr uint32) {
	p.t.Helper()
	require.NoError(p.t, p.fr.WriteWindowUpdate(stream, incr))
}

// hf builds header fields from name, value pairs.
func hf(kv ...string) []hpack.HeaderField {
	var out []hpack.HeaderField
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func requestHeaders(path string) []hpack.HeaderField {
	return hf(":method", "POST", ":scheme", "http", ":path", path, ":authority", "test",
		"content-type", "application/grpc", "te", "trailers")
}

var responseHeaders = hf(":status", "200", "content-type", "application/grpc")
var okTrailers = hf("grpc-status", "0")

// closeConn ends c and waits for all its goroutines.
func closeConn(t *testing.T, c *Conn) {
	t.Helper()
	c.Close(nil)
	waitConnDone(t, c)
}

func waitConnDone(t *testing.T, c *Conn) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(waitLimit):
		t.Fatalf("the Conn did not end within %v", waitLimit)
	}
}

type connResult struct {
	c   *Conn
	err error
}

// connCleanup makes sure the Conn a handshake goroutine produces is ended
// when the test ends, whether or not the test got to see it.
type connCleanup struct {
	res  chan connResult
	got  bool
	conn *Conn
}

func newConnCleanup(t *testing.T, sock net.Conn) *connCleanup {
	cc := &connCleanup{res: make(chan connResult, 1)}
	t.Cleanup(func() {
		if !cc.got {
			sock.Close() // ends a handshake still in progress
			r := <-cc.res
			cc.conn = r.c
		}
		if cc.conn != nil {
			cc.conn.Close(nil)
			select {
			case <-cc.conn.Done():
			case <-time.After(waitLimit):
				t.Errorf("the Conn did not end within %v", waitLimit)
			}
		}
	})
	return cc
}

func (cc *connCleanup) wait(t *testing.T) connResult {
	t.Helper()
	select {
	case r := <-cc.res:
		cc.got = true
		cc.conn = r.c
		return r
	case <-time.After(waitLimit):
		t.Fatalf("the handshake did not finish within %v", waitLimit)
		return connResult{}
	}
}

// dialPeer runs Dial against a raw server peer, which sends peerSettings as
// its SETTINGS, and finishes the handshake on both sides.
func dialPeer(t *testing.T, cfg Config, peerSettings ...http2.Setting) (*Conn, *peer) {
	t.Helper()
	cli, srv := tcpPair(t)
	return dialPeerOver(t, cfg, cli, srv, peerSettings...)
}

// dialPeerOver is dialPeer over a given pair of sockets (cli may wrap one).
func dialPeerOver(t *testing.T, cfg Config, cli, srv net.Conn, peerSettings ...http2.Setting) (*Conn, *peer) {
	t.Helper()
	p := newPeer(t, srv)
	cc := newConnCleanup(t, cli)
	go func() {
		c, err := Dial(context.Background(), cli, cfg)
		cc.res <- connResult{c, err}
	}()
	p.readPreface()
	p.waitFor("the client's SETTINGS", func(f rframe) bool { return f.typ == http2.FrameSettings && !f.ack() })
	p.settings(peerSettings...)
	r := cc.wait(t)
	require.NoError(t, r.err)
	p.waitFor("SETTINGS ACK", func(f rframe) bool { return f.typ == http2.FrameSettings && f.ack() })
	require.NoError(t, p.fr.WriteSettingsAck())
	p.adoptSettings(peerSettings)
	return r.c, p
}

// acceptPeer runs Accept against a raw client peer.
func acceptPeer(t *testing.T, cfg Config, peerSettings ...http2.Setting) (*Conn, *peer) {
	t.Helper()
	cli, srv := tcpPair(t)
	p := newPeer(t, cli)
	cc := newConnCleanup(t, srv)
	go func() {
		c, err := Accept(context.Background(), srv, cfg)
		cc.res <- connResult{c, err}
	}()
	_, err := io.WriteString(cli, http2.ClientPreface)
	require.NoError(t, err)
	p.settings(peerSettings...)
	p.waitFor("the server's SETTINGS", func(f rframe) bool { return f.typ == http2.FrameSettings && !f.ack() })
	r := cc.wait(t)
	require.NoError(t, r.err)
	p.waitFor("SETTINGS ACK", func(f rframe) bool { return f.typ == http2.FrameSettings && f.ack() })
	require.NoError(t, p.fr.WriteSettingsAck())
	p.adoptSettings(peerSettings)
	return r.c, p
}

// adoptSettings makes the peer's reader accept what it advertised.
func (p *peer) adoptSettings(s []http2.Setting) {
	for _, st := range s {
		if st.ID == http2.SettingMaxFrameSize {
			p.fr.SetMaxReadFrameSize(st.Val)
		}
	}
}

func (p *peer) readPreface() {
	p.t.Helper()
	buf := make([]byte, len(http2.ClientPreface))
	p.nc.SetReadDeadline(time.Now().Add(waitLimit))
	_, err := io.ReadFull(p.nc, buf)
	require.NoError(p.t, err)
	require.Equal(p.t, http2.ClientPreface, string(buf))
}

// nextEvent returns the stream's next event, asking for spilled events
// after a flagged one.
func nextEvent(t *testing.T, s *Stream) Event {
	t.Helper()
	timer := time.NewTimer(waitLimit)
	defer timer.Stop()
	select {
	case ev := <-s.Events():
		if ev.Flush {
			s.Flush()
		}
		return ev
	case <-timer.C:
		t.Fatalf("stream %d: no event within %v", s.ID, waitLimit)
		return Event{}
	}
}

// noEvent checks that nothing waits for the stream.
func noEvent(t *testing.T, s *Stream) {
	t.Helper()
	select {
	case ev := <-s.Events():
		t.Fatalf("stream %d: unexpected event %+v", s.ID, ev)
	default:
	}
}

// waitState polls Inspect until the connection's state contains want.
func waitState(t *testing.T, c *Conn, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	var last string
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		info := c.Inspect(ctx)
		cancel()
		last = info.State
		if strings.Contains(last, want) {
			return
		}
		require.True(t, info.Running, "the Conn ended while waiting for state %q: %v", want, info.ExitReason)
	}
	t.Fatalf("the Conn's state never contained %q; last: %q", want, last)
}

func open(t *testing.T, c *Conn, req OpenRequest) *Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s, err := c.Open(ctx, req)
	require.NoError(t, err)
	return s
}

// acceptedStream is what the server Conn handed to Config.Accept.
type acceptedStream struct {
	s        *Stream
	canceled chan struct{} // closed when the Conn stops the stream's actor
}

// acceptInto returns a Config.Accept that hands each stream to ch. The
// test is the stream's owner; the actor it returns only watches for the
// connection stopping it, and then closes canceled.
func acceptInto(ch chan acceptedStream) func(*Stream) *actors.Ref {
	return func(s *Stream) *actors.Ref {
		a := acceptedStream{s: s, canceled: make(chan struct{})}
		select {
		case ch <- a:
		default:
			panic("test accept channel full")
		}
		return actors.Spawn(context.Background(), "test stream", func(ctx context.Context) error {
			select {
			case <-ctx.Done():
				close(a.canceled)
			case <-s.ConnDone():
				// The connection stops its streams before it ends.
				if ctx.Err() != nil {
					close(a.canceled)
				}
			}
			return nil
		})
	}
}

func waitAccepted(t *testing.T, ch chan acceptedStream) acceptedStream {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(waitLimit):
		t.Fatalf("no stream accepted within %v", waitLimit)
		return acceptedStream{}
	}
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitLimit):
		t.Fatalf("%s: not within %v", what, waitLimit)
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// gracefulGoAway follows a server's graceful shutdown (RFC 9113 6.8): the
// first GOAWAY names the largest stream id and is followed by a PING;
// once the PING is answered the final GOAWAY names the last stream. It
// returns the final one.
func (p *peer) gracefulGoAway() rframe {
	p.t.Helper()
	first, _ := p.waitFor("first GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(p.t, http2.ErrCodeNo, first.code)
	require.Equal(p.t, uint32(1<<31-1), first.lastID, "the first GOAWAY must leave room for streams in flight")
	ping, _ := p.waitFor("shutdown PING", func(f rframe) bool { return f.typ == http2.FramePing && !f.ack() })
	require.NoError(p.t, p.fr.WritePing(true, ping.ping))
	final, _ := p.waitFor("final GOAWAY", isType(http2.FrameGoAway, 0))
	require.Equal(p.t, http2.ErrCodeNo, final.code)
	return final
}
