package attacks

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/proto"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// failsafe bounds every socket operation of the raw client, so that a
// server that hangs fails the test instead of hanging it.
const failsafe = 60 * time.Second

// frame is what the raw client's reader saw: a copy, valid after the
// framer's next read.
type frame struct {
	typ      http2.FrameType
	stream   uint32
	flags    http2.Flags
	code     http2.ErrCode // RST_STREAM, GOAWAY
	incr     uint32        // WINDOW_UPDATE
	length   int           // DATA payload
	fields   []hpack.HeaderField
	debug    string // GOAWAY
	ack      bool   // PING, SETTINGS
	lastID   uint32 // GOAWAY
	readErr  error  // the connection ended (the last frame)
	settings []http2.Setting
	ping     [8]byte // PING
}

func (f frame) endStream() bool {
	return (f.typ == http2.FrameData || f.typ == http2.FrameHeaders) && f.flags.Has(http2.FlagDataEndStream)
}

// rawClient is a client HTTP/2 connection written frame by frame. The test
// goroutine writes; a reader goroutine reads every frame into frames.
type rawClient struct {
	t      *testing.T
	addr   string
	nc     net.Conn
	fr     *http2.Framer
	hbuf   bytes.Buffer
	henc   *hpack.Encoder
	nextID uint32
	frames chan frame
	done   chan struct{} // the reader ended
}

// dial connects and sends the preface and our SETTINGS (settings); the
// server's frames, its SETTINGS first, arrive on c.frames.
func dial(t *testing.T, addr string, settings ...http2.Setting) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, failsafe)
	require.NoError(t, err)
	require.NoError(t, nc.SetDeadline(time.Now().Add(failsafe)))
	c := &rawClient{t: t, addr: addr, nc: nc, nextID: 1, frames: make(chan frame, 1<<16), done: make(chan struct{})}
	c.fr = http2.NewFramer(nc, nc)
	c.fr.AllowIllegalWrites = true
	c.fr.ReadMetaHeaders = hpack.NewDecoder(1<<20, nil)
	c.fr.MaxHeaderListSize = 1 << 20
	c.henc = hpack.NewEncoder(&c.hbuf)
	go c.read()
	t.Cleanup(c.close)
	_, err = nc.Write([]byte(http2.ClientPreface))
	require.NoError(t, err)
	require.NoError(t, c.fr.WriteSettings(settings...))
	return c
}

// close hangs up and waits for the reader.
func (c *rawClient) close() {
	c.nc.Close()
	<-c.done
}

func (c *rawClient) read() {
	defer close(c.done)
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			c.offer(frame{readErr: err})
			return
		}
		c.offer(copyFrame(f))
	}
}

// offer queues f; a full queue drops it (a test that reads nothing of a
// flood does not want it kept).
func (c *rawClient) offer(f frame) {
	select {
	case c.frames <- f:
	default:
	}
}

func copyFrame(f http2.Frame) frame {
	h := f.Header()
	out := frame{typ: h.Type, stream: h.StreamID, flags: h.Flags}
	switch f := f.(type) {
	case *http2.DataFrame:
		out.length = len(f.Data())
	case *http2.MetaHeadersFrame:
		out.typ = http2.FrameHeaders
		out.fields = append([]hpack.HeaderField(nil), f.Fields...)
	case *http2.RSTStreamFrame:
		out.code = f.ErrCode
	case *http2.GoAwayFrame:
		out.code, out.lastID, out.debug = f.ErrCode, f.LastStreamID, string(f.DebugData())
	case *http2.WindowUpdateFrame:
		out.incr = f.Increment
	case *http2.PingFrame:
		out.ack = f.IsAck()
		out.ping = f.Data
	case *http2.SettingsFrame:
		out.ack = f.IsAck()
		f.ForeachSetting(func(s http2.Setting) error { out.settings = append(out.settings, s); return nil })
	}
	return out
}

// next returns the next frame, failing the test after the failsafe.
func (c *rawClient) next() frame {
	c.t.Helper()
	select {
	case f := <-c.frames:
		return f
	case <-time.After(failsafe):
		require.FailNow(c.t, "no frame from the server", "within %v", failsafe)
		return frame{}
	}
}

// until reads frames until match accepts one, which it returns; the
// connection's end fails the test unless match accepts it.
func (c *rawClient) until(what string, match func(frame) bool) frame {
	c.t.Helper()
	for {
		f := c.next()
		if match(f) {
			return f
		}
		if f.readErr != nil {
			require.FailNowf(c.t, "connection ended", "waiting for %s: %v", what, f.readErr)
		}
	}
}

// goAway reads until the server's GOAWAY and then its hang-up.
func (c *rawClient) goAway() frame {
	c.t.Helper()
	ga := c.until("GOAWAY", func(f frame) bool { return f.typ == http2.FrameGoAway })
	c.until("the server to hang up", func(f frame) bool { return f.readErr != nil })
	return ga
}

// ping sends PING data and reads until its ACK: every frame sent before
// it has been handled by the server's connection actor.
func (c *rawClient) ping(data [8]byte) {
	c.t.Helper()
	require.NoError(c.t, c.fr.WritePing(false, data))
	c.until("PING ACK", func(f frame) bool { return f.typ == http2.FramePing && f.ack })
}

func (c *rawClient) encode(fields []hpack.HeaderField) []byte {
	c.hbuf.Reset()
	for _, f := range fields {
		require.NoError(c.t, c.henc.WriteField(f))
	}
	return bytes.Clone(c.hbuf.Bytes())
}

// requestFields are the headers of a gRPC call to method of the echo
// service, plus extra.
func (c *rawClient) requestFields(method string, extra ...hpack.HeaderField) []hpack.HeaderField {
	return append([]hpack.HeaderField{
		{Name: ":method", Value: "POST"},
		{Name: ":scheme", Value: "http"},
		{Name: ":path", Value: "/grpc.examples.echo.Echo/" + method},
		{Name: ":authority", Value: c.addr},
		{Name: "content-type", Value: "application/grpc"},
		{Name: "te", Value: "trailers"},
	}, extra...)
}

// open sends HEADERS for a call to method on a new stream.
func (c *rawClient) open(method string, endStream bool, extra ...hpack.HeaderField) uint32 {
	c.t.Helper()
	id := c.nextID
	c.nextID += 2
	require.NoError(c.t, c.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID: id, BlockFragment: c.encode(c.requestFields(method, extra...)),
		EndStream: endStream, EndHeaders: true,
	}))
	return id
}

// echoRequest is a framed EchoRequest carrying msg.
func echoRequest(t *testing.T, msg string) []byte {
	b, err := proto.Marshal(&echopb.EchoRequest{Message: msg})
	require.NoError(t, err)
	out := make([]byte, 5, 5+len(b))
	binary.BigEndian.PutUint32(out[1:], uint32(len(b)))
	return append(out, b...)
}
