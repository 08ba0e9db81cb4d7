package http2server

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// maxFrame is the largest DATA payload the server writes: the minimum
// SETTINGS_MAX_FRAME_SIZE, always allowed.
const maxFrame = 16384

// defaultWindow is the initial flow-control window of RFC 9113 6.9.2.
const defaultWindow = 65535

// conn is one client connection. Everything in it belongs to the
// connection's goroutine (serve), except forced, which Shutdown sets under
// the server's lock.
type conn struct {
	srv      *Server
	testCase Case
	id       int
	nc       net.Conn
	fr       *http2.Framer
	hbuf     bytes.Buffer
	henc     *hpack.Encoder

	streams        map[uint32]*stream
	active         int    // streams open (neither closed nor reset)
	sendWindow     int64  // the connection's send window
	initialWindow  int64  // the client's SETTINGS_INITIAL_WINDOW_SIZE
	settingsAcked  int    // ACKs of our SETTINGS frames
	limitAnnounce  bool   // the stream limit was sent in SETTINGS
	goneAway       bool   // a GOAWAY was sent
	lastStream     uint32 // the last stream id the GOAWAY named
	answeredStream uint32 // GoAwayRacing: the stream answered in full
	pingsOwed      map[[8]byte]bool
	pingSeq        uint64

	forced bool // set by Shutdown: the server closed the connection
}

// stream is one request stream.
type stream struct {
	id          uint32
	request     []byte // request bytes so far (DATA payloads)
	answered    bool   // the response was started
	out         []byte // response bytes still to send as DATA
	then        func() error
	window      int64 // the stream's send window
	clientEnded bool  // the client sent END_STREAM
	serverEnded bool  // the server sent END_STREAM
}

func newConn(s *Server, id int, nc net.Conn) *conn {
	c := &conn{
		srv:           s,
		testCase:      s.testCase,
		id:            id,
		nc:            nc,
		fr:            http2.NewFramer(nc, nc),
		streams:       make(map[uint32]*stream),
		sendWindow:    defaultWindow,
		initialWindow: defaultWindow,
		pingsOwed:     make(map[[8]byte]bool),
	}
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	// We announce no larger SETTINGS_MAX_FRAME_SIZE: a larger frame from
	// the client ends the connection and is reported as a violation.
	c.fr.SetMaxReadFrameSize(maxFrame)
	c.henc = hpack.NewEncoder(&c.hbuf)
	return c
}

// serve runs the connection until the client closes it, it breaks the
// protocol, or Shutdown closes it.
func (c *conn) serve() {
	err := c.run()
	c.nc.Close()
	c.srv.connEnded(c, err)
}

func (c *conn) run() error {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c.nc, preface); err != nil {
		return fmt.Errorf("reading the client preface: %w", err)
	}
	if string(preface) != http2.ClientPreface {
		return fmt.Errorf("bad client preface %q", preface)
	}
	if err := c.fr.WriteSettings(); err != nil {
		return err
	}
	if c.testCase == MaxStreams {
		// As grpc's server: the limit comes in a second SETTINGS frame,
		// after the connection is made.
		c.limitAnnounce = true
		if err := c.fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: announcedStreamLimit}); err != nil {
			return err
		}
	}
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			return err
		}
		if err := c.onFrame(f); err != nil {
			return err
		}
		if err := c.pump(); err != nil {
			return err
		}
	}
}

func (c *conn) onFrame(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			c.settingsAcked++
			return nil
		}
		if v, ok := f.Value(http2.SettingInitialWindowSize); ok {
			delta := int64(v) - c.initialWindow
			c.initialWindow = int64(v)
			for _, s := range c.streams {
				s.window += delta
			}
		}
		return c.fr.WriteSettingsAck()
	case *http2.WindowUpdateFrame:
		if f.StreamID == 0 {
			c.sendWindow += int64(f.Increment)
		} else if s := c.streams[f.StreamID]; s != nil {
			s.window += int64(f.Increment)
		}
	case *http2.PingFrame:
		if f.IsAck() {
			delete(c.pingsOwed, f.Data)
			return nil
		}
		return c.fr.WritePing(true, f.Data)
	case *http2.MetaHeadersFrame:
		return c.onHeaders(f)
	case *http2.DataFrame:
		return c.onData(f)
	case *http2.RSTStreamFrame:
		if s := c.streams[f.StreamID]; s != nil {
			c.closeStream(s)
		}
	}
	// GOAWAY from the client, PRIORITY and unknown frames need nothing.
	return nil
}

// onHeaders opens a stream, or ignores it after our GOAWAY.
func (c *conn) onHeaders(f *http2.MetaHeadersFrame) error {
	if _, ok := c.streams[f.StreamID]; ok {
		c.violation("stream %d: a second HEADERS (trailers) from a client", f.StreamID)
		return nil
	}
	call := Call{Conn: c.id, Stream: f.StreamID, Authority: f.PseudoValue("authority")}
	if c.testCase == GoAwayRacing && c.answeredStream != 0 && !c.goneAway {
		// The client opened its next stream: now the GOAWAY, which it
		// crosses.
		c.goneAway, c.lastStream = true, c.answeredStream
		if err := c.fr.WriteGoAway(c.lastStream, http2.ErrCodeNo, nil); err != nil {
			return err
		}
	}
	if c.goneAway && f.StreamID > c.lastStream {
		c.srv.record(func(r *Report) { r.IgnoredAfterGoAway = append(r.IgnoredAfterGoAway, call) })
		return nil
	}
	if path := f.PseudoValue("path"); path != "/grpc.testing.TestService/UnaryCall" {
		c.violation("stream %d: :path %q, want /grpc.testing.TestService/UnaryCall", f.StreamID, path)
	}
	if c.testCase.limitsStreams() && c.limitApplies() && c.active >= announcedStreamLimit {
		c.srv.record(func(r *Report) { r.Refused++ })
		if c.limitAnnounce {
			return c.fr.WriteRSTStream(f.StreamID, http2.ErrCodeRefusedStream)
		}
	}
	s := &stream{id: f.StreamID, window: c.initialWindow, clientEnded: f.StreamEnded()}
	c.streams[s.id] = s
	c.active++
	active := c.active
	c.srv.record(func(r *Report) {
		r.Calls = append(r.Calls, call)
		if c.testCase.limitsStreams() && active > r.MaxActive {
			r.MaxActive = active
		}
	})
	if c.testCase == RstAfterHeader {
		if err := c.writeResponseHeaders(s); err != nil {
			return err
		}
		return c.reset(s)
	}
	return nil
}

// limitApplies says whether the client must keep the stream limit: once
// it acknowledged the SETTINGS that announced it (or, unannounced, from
// the start).
func (c *conn) limitApplies() bool {
	return !c.limitAnnounce || c.settingsAcked >= 2
}

// onData gathers the request and answers once its message is whole.
func (c *conn) onData(f *http2.DataFrame) error {
	data := f.Data()
	if n := uint32(len(f.Data())); n > 0 {
		// Give back the window at once, as grpc's server does.
		if err := c.fr.WriteWindowUpdate(0, n); err != nil {
			return err
		}
	}
	s := c.streams[f.StreamID]
	if s == nil {
		return nil // a stream reset or ignored: its late DATA is dropped
	}
	if n := uint32(len(data)); n > 0 && !f.StreamEnded() {
		if err := c.fr.WriteWindowUpdate(s.id, n); err != nil {
			return err
		}
	}
	s.request = append(s.request, data...)
	if f.StreamEnded() {
		s.clientEnded = true
	}
	if !s.answered {
		req, ok, err := parseRequest(s.request)
		if err != nil {
			c.violation("stream %d: %v", s.id, err)
			return c.reset(s)
		}
		if ok {
			s.answered = true
			if err := c.answer(s, req.GetResponseSize()); err != nil {
				return err
			}
		}
	}
	c.closeIfDone(s)
	return nil
}

// pump sends the pending response bytes the windows allow, in stream id
// order, and runs what follows a response once it is all sent.
func (c *conn) pump() error {
	for _, s := range c.sortedStreams() {
		for len(s.out) > 0 {
			n := min(int64(len(s.out)), maxFrame, c.sendWindow, s.window)
			if n <= 0 {
				break
			}
			if err := c.fr.WriteData(s.id, false, s.out[:n]); err != nil {
				return err
			}
			c.sendWindow -= n
			s.window -= n
			s.out = s.out[n:]
		}
		if len(s.out) == 0 && s.then != nil {
			then := s.then
			s.then = nil
			if err := then(); err != nil {
				return err
			}
		}
	}
	return nil
}

// closeIfDone forgets a stream both sides have ended.
func (c *conn) closeIfDone(s *stream) {
	if s.clientEnded && s.serverEnded {
		c.closeStream(s)
	}
}

func (c *conn) closeStream(s *stream) {
	if _, ok := c.streams[s.id]; ok {
		delete(c.streams, s.id)
		c.active--
	}
}

// reset ends a stream with RST_STREAM NO_ERROR, as grpc's server does.
func (c *conn) reset(s *stream) error {
	c.closeStream(s)
	s.out, s.then = nil, nil
	return c.fr.WriteRSTStream(s.id, http2.ErrCodeNo)
}

// ping sends a PING the client owes an ACK for.
func (c *conn) ping() error {
	data := c.nextPingData()
	c.pingsOwed[data] = true
	c.srv.record(func(r *Report) { r.PingsSent++ })
	return c.fr.WritePing(false, data)
}

// ackOnlyPing sends a PING with the ACK flag, which the client must not
// answer, and counts it as owed.
func (c *conn) ackOnlyPing() error {
	data := c.nextPingData()
	c.pingsOwed[data] = true
	c.srv.record(func(r *Report) { r.PingsSent++ })
	return c.fr.WritePing(true, data)
}

func (c *conn) nextPingData() [8]byte {
	c.pingSeq++
	var data [8]byte
	binary.BigEndian.PutUint64(data[:], c.pingSeq)
	return data
}

func (c *conn) violation(format string, args ...any) {
	msg := fmt.Sprintf("connection %d: %s", c.id, fmt.Sprintf(format, args...))
	c.srv.record(func(r *Report) { r.Violations = append(r.Violations, msg) })
}
