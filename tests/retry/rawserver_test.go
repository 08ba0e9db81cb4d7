package retry

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/proto"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// refusingServer is a gRPC server written with x/net/http2's Framer: it
// refuses the first `refuse` streams it is sent with RST_STREAM
// REFUSED_STREAM (the server application never sees them, so the client
// may retry them transparently, A6), and answers every later one with
// one EchoResponse echoing the request, then status OK.
type refusingServer struct {
	*rawListener
	refuse int

	mu      sync.Mutex
	streams []rawStream // every stream the client opened, in order
}

// rawStream is what the raw server saw of one stream.
type rawStream struct {
	path     string
	previous []string // grpc-previous-rpc-attempts
	refused  bool
}

func startRefusingServer(t *testing.T, refuse int) *refusingServer {
	t.Helper()
	s := &refusingServer{refuse: refuse}
	s.rawListener = startRawListener(t, func(c net.Conn, _ int) { s.serveConn(c) })
	return s
}

// seen is every stream opened so far.
func (s *refusingServer) seen() []rawStream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rawStream(nil), s.streams...)
}

// newStream records a stream and says whether to refuse it.
func (s *refusingServer) newStream(f *http2.MetaHeadersFrame) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := rawStream{path: f.PseudoValue("path"), refused: len(s.streams) < s.refuse}
	for _, hf := range f.RegularFields() {
		if hf.Name == "grpc-previous-rpc-attempts" {
			st.previous = append(st.previous, hf.Value)
		}
	}
	s.streams = append(s.streams, st)
	return st.refused
}

// serveConn speaks just enough HTTP/2 for the client's calls: the
// preface and SETTINGS, PING acks, connection window updates, and for
// each accepted stream the echo once the client half-closed.
func (s *refusingServer) serveConn(c net.Conn) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if err := fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 100}); err != nil {
		return
	}
	var hbuf bytes.Buffer
	enc := hpack.NewEncoder(&hbuf)
	headers := func(id uint32, end bool, fields ...hpack.HeaderField) error {
		hbuf.Reset()
		for _, f := range fields {
			if err := enc.WriteField(f); err != nil {
				return err
			}
		}
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hbuf.Bytes(), EndHeaders: true, EndStream: end})
	}
	respond := func(id uint32, body []byte) error {
		if len(body) < 5 {
			return headers(id, true, hpack.HeaderField{Name: ":status", Value: "200"},
				hpack.HeaderField{Name: "content-type", Value: "application/grpc"},
				hpack.HeaderField{Name: "grpc-status", Value: "13"},
				hpack.HeaderField{Name: "grpc-message", Value: "no request message"})
		}
		var req echopb.EchoRequest
		if err := proto.Unmarshal(body[5:], &req); err != nil {
			return err
		}
		payload, err := proto.Marshal(&echopb.EchoResponse{Message: req.GetMessage()})
		if err != nil {
			return err
		}
		msg := make([]byte, 5+len(payload))
		binary.BigEndian.PutUint32(msg[1:], uint32(len(payload)))
		copy(msg[5:], payload)
		if err := headers(id, false, hpack.HeaderField{Name: ":status", Value: "200"},
			hpack.HeaderField{Name: "content-type", Value: "application/grpc"}); err != nil {
			return err
		}
		if err := fr.WriteData(id, false, msg); err != nil {
			return err
		}
		return headers(id, true, hpack.HeaderField{Name: "grpc-status", Value: "0"})
	}
	bodies := make(map[uint32][]byte) // accepted streams still receiving
	for {
		frame, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := frame.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := fr.WriteSettingsAck(); err != nil {
					return
				}
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				if err := fr.WritePing(true, f.Data); err != nil {
					return
				}
			}
		case *http2.MetaHeadersFrame:
			id := f.StreamID
			if s.newStream(f) {
				if err := fr.WriteRSTStream(id, http2.ErrCodeRefusedStream); err != nil {
					return
				}
				continue
			}
			bodies[id] = nil
			if f.StreamEnded() {
				delete(bodies, id)
				if err := respond(id, nil); err != nil {
					return
				}
			}
		case *http2.DataFrame:
			id := f.StreamID
			if n := len(f.Data()); n > 0 {
				// Give the connection window back; streams are small.
				if err := fr.WriteWindowUpdate(0, uint32(n)); err != nil {
					return
				}
			}
			body, open := bodies[id]
			if !open {
				continue // a refused or finished stream
			}
			body = append(body, f.Data()...)
			bodies[id] = body
			if f.StreamEnded() {
				delete(bodies, id)
				if err := respond(id, body); err != nil {
					return
				}
			}
		case *http2.RSTStreamFrame:
			delete(bodies, f.StreamID)
		}
	}
}
