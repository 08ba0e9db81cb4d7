package streamactor

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// fieldsFrom reads a header list written one field a line, "name=value"
// (the first '=' ends the name), so that seeds stay readable.
func fieldsFrom(data string) []hpack.HeaderField {
	var fields []hpack.HeaderField
	for _, line := range strings.Split(data, "\n") {
		name, value, _ := strings.Cut(line, "=")
		fields = append(fields, hpack.HeaderField{Name: name, Value: value})
	}
	return fields
}

func fieldsText(fields []hpack.HeaderField) string {
	var lines []string
	for _, f := range fields {
		lines = append(lines, f.Name+"="+f.Value)
	}
	return strings.Join(lines, "\n")
}

// checkStatus fails unless st is a non-OK status with a message.
func checkStatus(t *testing.T, what string, st *status.Status) {
	t.Helper()
	if st == nil || st.Code() == codes.OK || st.Message() == "" {
		t.Fatalf("%s: status %v: want a non-OK code with a message", what, st)
	}
}

// checkMDRoundTrip re-sends md and parses it back: what a receiver keeps
// of metadata, it can send on unchanged ("-bin" values encode and decode
// to themselves), unless a key or value is one the sender refuses.
func checkMDRoundTrip(t *testing.T, md metadata.MD) {
	t.Helper()
	fields, err := appendMetadata(nil, md, false)
	if err != nil {
		return // a name or value we receive but would not send
	}
	back := metadata.MD{}
	for _, f := range fields {
		if err := addField(back, f); err != nil {
			t.Fatalf("metadata %v re-sent as %v does not parse back: %v", md, fields, err)
		}
	}
	for k, vals := range md {
		if metadata.IsReservedKey(k) {
			continue
		}
		if got := back[k]; strings.Join(got, "\x00") != strings.Join(vals, "\x00") || len(got) != len(vals) {
			t.Fatalf("metadata %q: %q re-sent and parsed back as %q", k, vals, got)
		}
	}
}

// FuzzParseRequest parses arbitrary request header lists. A refused
// request gets an HTTP status PROTOCOL-HTTP2 names and a non-OK status
// with a message; an accepted one has a "/" method and a gRPC
// content-type, keeps no reserved field in its metadata except the two
// grpc-go shows handlers, and its metadata survives being re-sent.
func FuzzParseRequest(f *testing.F) {
	f.Add(fieldsText(validRequest()), false)
	f.Add(fieldsText(validRequest(hf("grpc-timeout", "1S"), hf("user-agent", "ua/1"), hf("k", "v"), hf("b-bin", "AAE"), hf("b-bin", "AAE="))), false)
	f.Add(fieldsText(validRequest(hf("grpc-timeout", "123456789n"))), false)
	f.Add(fieldsText(validRequest(hf("grpc-timeout", "99999999H"))), false)
	f.Add(fieldsText(validRequest(hf("grpc-encoding", "gzip"), hf("grpc-status", "0"), hf(":weird", "x"))), false)
	f.Add(fieldsText(validRequest(hf("x-bin", "!!"))), false)
	f.Add(fieldsText(replace(validRequest(), "content-type", ptr("application/grpc+proto"))), false)
	f.Add(fieldsText(replace(validRequest(), "content-type", ptr("text/html"))), false)
	f.Add(fieldsText(replace(validRequest(), ":method", ptr("GET"))), false)
	f.Add(fieldsText(replace(validRequest(), ":path", ptr("nopath"))), false)
	f.Add(fieldsText(validRequest()), true)
	f.Add("", false)
	f.Fuzz(func(t *testing.T, data string, truncated bool) {
		req, rej := ParseRequest(fieldsFrom(data), truncated)
		if rej != nil {
			switch rej.HTTPStatus {
			case 400, 405, 415, 431:
			default:
				t.Fatalf("refused with HTTP status %d", rej.HTTPStatus)
			}
			checkStatus(t, "refused request", rej.Status)
			for _, f := range RejectionFields(rej) {
				if metadata.ValidValue(f.Value) != nil {
					t.Fatalf("the refusal's field %s=%q is not a valid header value", f.Name, f.Value)
				}
			}
			return
		}
		if truncated {
			t.Fatal("a truncated header list was accepted")
		}
		if !strings.HasPrefix(req.Method, "/") || !validContentType(req.ContentType) {
			t.Fatalf("accepted method %q, content-type %q", req.Method, req.ContentType)
		}
		if req.HasTimeout && req.Timeout < 0 {
			t.Fatalf("negative timeout %v", req.Timeout)
		}
		for k := range req.Metadata {
			if metadata.IsReservedKey(k) && !metadata.IsWhitelistedKey(k) {
				t.Fatalf("reserved field %q passed into the metadata", k)
			}
		}
		checkMDRoundTrip(t, req.Metadata)
	})
}

// FuzzParseResponse parses arbitrary response headers and trailers, then
// checks what a client would do with them. An error says why; a status
// read from grpc-status, grpc-message and grpc-status-details-bin renders
// back (TrailerFields) to fields that parse to the same status, as its
// metadata does.
func FuzzParseResponse(f *testing.F) {
	f.Add(":status=200\ncontent-type=application/grpc")
	f.Add("grpc-status=0")
	f.Add(":status=200\ncontent-type=application/grpc\ngrpc-status=14\ngrpc-message=try%20again%ZZ%e2%9c%93\nk=v\nt-bin=AAEC")
	f.Add("grpc-status=3\ngrpc-message=%\ngrpc-status-details-bin=CAMSBGJhZCE")
	f.Add("grpc-status=4294967295")
	f.Add("grpc-status=-1")
	f.Add("grpc-status=99999999999")
	f.Add(":status=abc")
	f.Add(":status=503")
	f.Add("grpc-status-details-bin=!")
	f.Add("grpc-message=%F0%9F%9A%80%C3%28\ngrpc-status=2")
	f.Add("x-bin=AAE=\nx-bin=AAE\nX=upper")
	f.Fuzz(func(t *testing.T, data string) {
		h, err := parseResponse(fieldsFrom(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if h.status != nil {
			msg := h.status.Message()
			back, err := parseResponse(TrailerFields(h.status, nil))
			if err != nil || back.status == nil {
				t.Fatalf("status %v renders to trailers that do not parse: %v", h.status, err)
			}
			if back.status.Code() != h.status.Code() || !bytes.Equal(back.status.DetailsBin(), h.status.DetailsBin()) {
				t.Fatalf("status %v comes back as %v", h.status, back.status)
			}
			if utf8.ValidString(msg) && back.status.Message() != msg {
				t.Fatalf("message %q comes back as %q", msg, back.status.Message())
			}
			if !utf8.ValidString(back.status.Message()) {
				t.Fatalf("message %q comes back as invalid UTF-8 %q", msg, back.status.Message())
			}
		}
		if h.httpStatus != 200 && h.httpStatus != 0 {
			_ = httpStatusCode(h.httpStatus)
		}
		checkMDRoundTrip(t, h.md)
	})
}

// FuzzTrailerRoundTrip renders a status and trailer metadata as a server
// does and parses them as a client does: the code, the details and (for
// valid UTF-8) the percent-encoded message come back unchanged, and so does
// metadata that may be sent ("-bin" values through base64). Every field
// sent is a valid header value.
func FuzzTrailerRoundTrip(f *testing.F) {
	f.Add(uint32(0), "", []byte(nil), "k", []byte("v"))
	f.Add(uint32(14), "try again", []byte{}, "t-bin", []byte{0, 1, 0xff})
	f.Add(uint32(13), "ünïcode\t% and \x01 control %41", []byte{1, 2, 3}, "a.b_c", []byte("~ !"))
	f.Add(uint32(2), "\xff\xfe bad utf-8", []byte{0}, "grpc-status", []byte("7"))
	f.Add(uint32(99), "%%25%zz", []byte(nil), "Upper", []byte("x"))
	f.Add(uint32(1), "🚀", []byte(nil), "x-bin", []byte(""))
	f.Fuzz(func(t *testing.T, code uint32, msg string, details []byte, key string, value []byte) {
		var st *status.Status
		if details != nil {
			st = status.WithDetailsBin(codes.Code(code), msg, details)
		} else {
			st = status.New(codes.Code(code), msg)
		}
		md := metadata.MD{key: {string(value)}}
		fields := TrailerFields(st, md)
		for _, f := range fields {
			if metadata.ValidValue(f.Value) != nil {
				t.Fatalf("trailer %s=%q is not a valid header value", f.Name, f.Value)
			}
		}
		h, err := parseResponse(fields)
		if err != nil {
			t.Fatalf("trailers %v do not parse: %v", fields, err)
		}
		if h.status == nil || h.status.Code() != st.Code() || !bytes.Equal(h.status.DetailsBin(), st.DetailsBin()) {
			t.Fatalf("status %v comes back as %v", st, h.status)
		}
		if utf8.ValidString(msg) && h.status.Message() != msg {
			t.Fatalf("message %q comes back as %q", msg, h.status.Message())
		}
		sendable := !metadata.IsReservedKey(key) && metadata.ValidPair(key, string(value)) == nil
		if got := h.md[key]; sendable && (len(got) != 1 || got[0] != string(value)) {
			t.Fatalf("metadata %q: %q comes back as %q", key, value, got)
		} else if !sendable && len(h.md) != 0 {
			t.Fatalf("unsendable metadata %q: %q was sent: %v", key, value, h.md)
		}
	})
}

// FuzzRequestRoundTrip renders request headers as a client does and parses
// them as a server does: method, authority, metadata and (up to the unit
// the encoding had to round to, never shorter) the timeout come back.
func FuzzRequestRoundTrip(f *testing.F) {
	f.Add("/pkg.Svc/Do", "host:1", int64(1500*time.Millisecond), "k", []byte("v"))
	f.Add("/a/b", "", int64(1), "b-bin", []byte{0, 0x80})
	f.Add("/a/b", "h", int64(99999999), "x", []byte{})
	f.Add("/a/b", "h", int64(100000000), "x", []byte{})
	f.Add("/a/b", "h", int64(1<<63-1), "x", []byte{})
	f.Add("/a/b", "h", int64(-5), "Bad Key", []byte("v"))
	f.Add("/a/b", "h", int64(3*time.Hour+1), "te", []byte("v"))
	f.Fuzz(func(t *testing.T, method, authority string, timeout int64, key string, value []byte) {
		if !strings.HasPrefix(method, "/") {
			method = "/" + method
		}
		head := RequestHead{Method: method, Authority: authority, Scheme: "http", Timeout: time.Duration(timeout), UserAgent: "fuzz",
			Metadata: metadata.MD{key: {string(value)}}}
		fields, err := head.Fields()
		sendable := !metadata.IsReservedKey(key) && metadata.ValidPair(key, string(value)) == nil
		if err != nil {
			if sendable {
				t.Fatalf("sendable metadata %q: %q refused: %v", key, value, err)
			}
			return
		}
		if !sendable {
			t.Fatalf("metadata %q: %q should have been refused", key, value)
		}
		req, rej := ParseRequest(fields, false)
		if rej != nil {
			t.Fatalf("our own request %v refused: %v", fields, rej.Status)
		}
		if req.Method != method || req.Authority != authority {
			t.Fatalf("method %q, authority %q come back as %q, %q", method, authority, req.Method, req.Authority)
		}
		if got := req.Metadata[key]; len(got) != 1 || got[0] != string(value) {
			t.Fatalf("metadata %q: %q comes back as %q", key, value, got)
		}
		if req.HasTimeout != (head.Timeout > 0) {
			t.Fatalf("timeout %v: sent=%v", head.Timeout, req.HasTimeout)
		}
		if req.HasTimeout {
			checkTimeoutRounding(t, head.Timeout, EncodeTimeout(head.Timeout), req.Timeout)
		}
	})
}

// checkTimeoutRounding checks that d, encoded as enc and decoded as got,
// was rounded up by less than enc's unit.
func checkTimeoutRounding(t *testing.T, d time.Duration, enc string, got time.Duration) {
	t.Helper()
	unit, err := DecodeTimeout("1" + enc[len(enc)-1:])
	if err != nil {
		t.Fatalf("timeout %v encoded as %q, whose unit does not decode: %v", d, enc, err)
	}
	if got < d || got-d >= unit {
		t.Fatalf("timeout %v encoded as %q decodes to %v: want at least it and less than %v more", d, enc, got, unit)
	}
}

// FuzzTimeout decodes arbitrary grpc-timeout values and encodes arbitrary
// durations. A refused value says why; an accepted one is not negative; an
// encoding is 1 to 8 digits and a unit, and decodes to the duration
// rounded up by less than its unit.
func FuzzTimeout(f *testing.F) {
	for _, s := range []string{"1S", "0n", "99999999H", "100000000n", "1", "", "S", "-1S", "+1S", "1x", "00000001m", "9999999999H", " 1S", "1s"} {
		f.Add(s, int64(0))
	}
	for _, d := range []int64{1, 999, 1000, 99999999, 100000000, 100000001, int64(time.Hour), 1<<63 - 1, -1} {
		f.Add("1m", d)
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if d, err := DecodeTimeout(s); err != nil {
			if err.Error() == "" {
				t.Fatalf("DecodeTimeout(%q): empty error", s)
			}
		} else if d < 0 {
			t.Fatalf("DecodeTimeout(%q) = %v", s, d)
		}
		d := time.Duration(n)
		enc := EncodeTimeout(d)
		if len(enc) < 2 || len(enc) > 9 {
			t.Fatalf("EncodeTimeout(%v) = %q: want 1 to 8 digits and a unit", d, enc)
		}
		got, err := DecodeTimeout(enc)
		if err != nil {
			t.Fatalf("EncodeTimeout(%v) = %q, which does not decode: %v", d, enc, err)
		}
		if d <= 0 {
			if got != 0 {
				t.Fatalf("EncodeTimeout(%v) = %q decodes to %v", d, enc, got)
			}
			return
		}
		checkTimeoutRounding(t, d, enc, got)
	})
}
