package http2server

import (
	"encoding/binary"
	"fmt"
	"sort"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/proto"

	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// shortPayloadSize is what ShortPayload answers with (the size the
// descriptions wrongly give for a 314159-byte request).
const shortPayloadSize = 1024

// answer starts the response to a whole request, as the case says.
func (c *conn) answer(s *stream, size int32) error {
	if c.testCase == ShortPayload {
		size = shortPayloadSize
	}
	message, err := responseMessage(size)
	if err != nil {
		return err
	}
	if c.testCase.pings() {
		// Before and after the headers...
		if err := c.ping(); err != nil {
			return err
		}
	}
	if err := c.writeResponseHeaders(s); err != nil {
		return err
	}
	if c.testCase.pings() {
		// ...and before and after the data (grpc's server sends the one
		// after the headers and the one before the data back to back).
		if err := c.ping(); err != nil {
			return err
		}
		if err := c.ping(); err != nil {
			return err
		}
		if c.testCase == PingAckOnly {
			if err := c.ackOnlyPing(); err != nil {
				return err
			}
		}
	}
	s.out = message
	switch c.testCase {
	case RstDuringData:
		s.out = message[:len(message)/2]
		s.then = func() error { return c.reset(s) }
	case RstAfterData:
		s.then = func() error { return c.reset(s) }
	case GoAway:
		s.then = func() error {
			if err := c.writeTrailers(s); err != nil {
				return err
			}
			c.goneAway, c.lastStream = true, s.id
			return c.fr.WriteGoAway(s.id, http2.ErrCodeNo, nil)
		}
	case GoAwayRacing:
		s.then = func() error {
			c.answeredStream = s.id
			return c.writeTrailers(s)
		}
	case Ping, PingAckOnly:
		s.then = func() error {
			if err := c.ping(); err != nil {
				return err
			}
			return c.writeTrailers(s)
		}
	default:
		s.then = func() error { return c.writeTrailers(s) }
	}
	return nil
}

func (c *conn) writeResponseHeaders(s *stream) error {
	return c.writeHeaders(s, false,
		hpack.HeaderField{Name: ":status", Value: "200"},
		hpack.HeaderField{Name: "content-type", Value: "application/grpc"},
		hpack.HeaderField{Name: "grpc-accept-encoding", Value: "identity"},
	)
}

func (c *conn) writeTrailers(s *stream) error {
	if err := c.writeHeaders(s, true, hpack.HeaderField{Name: "grpc-status", Value: "0"}); err != nil {
		return err
	}
	s.serverEnded = true
	c.closeIfDone(s)
	return nil
}

func (c *conn) writeHeaders(s *stream, endStream bool, fields ...hpack.HeaderField) error {
	c.hbuf.Reset()
	for _, f := range fields {
		if err := c.henc.WriteField(f); err != nil {
			return fmt.Errorf("encoding %s: %w", f.Name, err)
		}
	}
	return c.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID:      s.id,
		BlockFragment: c.hbuf.Bytes(),
		EndStream:     endStream,
		EndHeaders:    true,
	})
}

// responseMessage is a length-prefixed SimpleResponse with size zero
// bytes of COMPRESSABLE payload.
func responseMessage(size int32) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("negative response_size %d", size)
	}
	body, err := proto.Marshal(&testpb.SimpleResponse{
		Payload: &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, size)},
	})
	if err != nil {
		return nil, fmt.Errorf("marshalling the response: %w", err)
	}
	message := make([]byte, 5, 5+len(body))
	binary.BigEndian.PutUint32(message[1:], uint32(len(body)))
	return append(message, body...), nil
}

// parseRequest decodes the request message once it is whole: ok is false
// while bytes are missing.
func parseRequest(buf []byte) (req *testpb.SimpleRequest, ok bool, err error) {
	if len(buf) < 5 {
		return nil, false, nil
	}
	if buf[0] != 0 {
		return nil, false, fmt.Errorf("compressed request (flag %#x); this server speaks identity only", buf[0])
	}
	n := binary.BigEndian.Uint32(buf[1:5])
	if uint64(len(buf)) < 5+uint64(n) {
		return nil, false, nil
	}
	if uint64(len(buf)) > 5+uint64(n) {
		return nil, false, fmt.Errorf("%d bytes after the request message: a unary call has one message", uint64(len(buf))-5-uint64(n))
	}
	req = new(testpb.SimpleRequest)
	if err := proto.Unmarshal(buf[5:], req); err != nil {
		return nil, false, fmt.Errorf("decoding the SimpleRequest: %w", err)
	}
	return req, true, nil
}

// sortedStreams are the open streams in id order, so that responses go
// out in a fixed order.
func (c *conn) sortedStreams() []*stream {
	out := make([]*stream, 0, len(c.streams))
	for _, s := range c.streams {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
