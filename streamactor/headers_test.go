package streamactor

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

func hf(name, value string) hpack.HeaderField { return hpack.HeaderField{Name: name, Value: value} }

// values collects the values of every field named name, in order.
func values(fields []hpack.HeaderField, name string) []string {
	var out []string
	for _, f := range fields {
		if f.Name == name {
			out = append(out, f.Value)
		}
	}
	return out
}

func TestRequestHeadFieldsPseudoHeadersFirst(t *testing.T) {
	h := RequestHead{
		Method:    "/pkg.Svc/Do",
		Authority: "example.com:443",
		Scheme:    "https",
		UserAgent: "actorpc-test/1",
	}
	fields, err := h.Fields()
	require.NoError(t, err)
	require.Equal(t, []hpack.HeaderField{
		hf(":method", "POST"),
		hf(":scheme", "https"),
		hf(":path", "/pkg.Svc/Do"),
		hf(":authority", "example.com:443"),
		hf("content-type", "application/grpc"),
		hf("user-agent", "actorpc-test/1"),
		hf("te", "trailers"),
	}, fields, "no grpc-timeout without a timeout")
}

func TestRequestHeadFieldsTimeout(t *testing.T) {
	h := RequestHead{Method: "/a/b", Scheme: "http", Timeout: 250 * time.Millisecond}
	fields, err := h.Fields()
	require.NoError(t, err)
	require.Equal(t, []string{"250000u"}, values(fields, "grpc-timeout"))
	// Pseudo-headers must precede every regular field (RFC 9113 8.3).
	seenRegular := false
	for _, f := range fields {
		if f.Name[0] == ':' {
			require.False(t, seenRegular, "pseudo-header %s after a regular field", f.Name)
		} else {
			seenRegular = true
		}
	}

	h.Timeout = -time.Second
	fields, err = h.Fields()
	require.NoError(t, err)
	require.Empty(t, values(fields, "grpc-timeout"), "a negative timeout is no timeout")
}

func TestRequestHeadFieldsMetadata(t *testing.T) {
	bin := string([]byte{0, 1, 0xfe, 0xff})
	h := RequestHead{
		Method:    "/a/b",
		Scheme:    "http",
		UserAgent: "ua/1",
		Metadata: metadata.MD{
			"x-id":      {"one", "two"},
			"trace-bin": {bin},
		},
	}
	// Reserved names are the transport's: metadata naming one is refused.
	for _, reserved := range []string{"grpc-status", "grpc-message", "grpc-timeout", "content-type", "te", "user-agent", ":path", "grpc-encoding"} {
		bad := RequestHead{Method: "/a/b", Metadata: metadata.MD{reserved: {"spoofed"}}}
		_, err := bad.Fields()
		require.ErrorContains(t, err, "reserved", reserved)
	}
	fields, err := h.Fields()
	require.NoError(t, err)
	require.Equal(t, []string{"one", "two"}, values(fields, "x-id"))
	require.Equal(t, []string{base64.RawStdEncoding.EncodeToString([]byte(bin))}, values(fields, "trace-bin"))
	require.Empty(t, values(fields, "grpc-status"))
	require.Empty(t, values(fields, "grpc-message"))
	require.Empty(t, values(fields, "grpc-timeout"))
	require.Empty(t, values(fields, "grpc-encoding"))
	require.Equal(t, []string{"application/grpc"}, values(fields, "content-type"))
	require.Equal(t, []string{"trailers"}, values(fields, "te"))
	require.Equal(t, []string{"ua/1"}, values(fields, "user-agent"))
	require.Equal(t, []string{"/a/b"}, values(fields, ":path"))
	require.Len(t, fields, 7+3)
}

func TestRequestHeadFieldsBadMetadata(t *testing.T) {
	for name, md := range map[string]metadata.MD{
		"non-printable value": {"x-key": {"line\nbreak"}},
		"non-ASCII value":     {"x-key": {"caf\xc3\xa9"}},
		"upper-case key":      {"X-Key": {"v"}},
		"empty key":           {"": {"v"}},
		"space in key":        {"x key": {"v"}},
	} {
		_, err := RequestHead{Method: "/a/b", Metadata: md}.Fields()
		require.Error(t, err, name)
	}
	// The same bytes are fine under a -bin key.
	fields, err := RequestHead{Method: "/a/b", Metadata: metadata.MD{"x-key-bin": {"line\nbreak"}}}.Fields()
	require.NoError(t, err)
	require.Equal(t, []string{base64.RawStdEncoding.EncodeToString([]byte("line\nbreak"))}, values(fields, "x-key-bin"))
}

// validRequest is the request head of a well-formed call, plus extra.
func validRequest(extra ...hpack.HeaderField) []hpack.HeaderField {
	return append([]hpack.HeaderField{
		hf(":method", "POST"),
		hf(":scheme", "http"),
		hf(":path", "/pkg.Svc/Do"),
		hf(":authority", "localhost:50051"),
		hf("content-type", "application/grpc"),
		hf("te", "trailers"),
	}, extra...)
}

// replace returns fields with the value of name replaced (or the field
// dropped when value is nil).
func replace(fields []hpack.HeaderField, name string, value *string) []hpack.HeaderField {
	var out []hpack.HeaderField
	for _, f := range fields {
		if f.Name == name {
			if value == nil {
				continue
			}
			f.Value = *value
		}
		out = append(out, f)
	}
	return out
}

func ptr(s string) *string { return &s }

func TestParseRequestValid(t *testing.T) {
	req, rej := ParseRequest(validRequest(
		hf("user-agent", "grpc-go/1.70"),
		hf("x-id", "a"),
		hf("x-id", "b"),
		hf("trace-bin", base64.StdEncoding.EncodeToString([]byte{0, 0xff, 1})),
		hf("raw-bin", base64.RawStdEncoding.EncodeToString([]byte{0xfe})),
		hf("grpc-timeout", "3S"),
		hf("grpc-encoding", "identity"),
		hf("grpc-status", "0"),
	), false)
	require.Nil(t, rej)
	require.Equal(t, "/pkg.Svc/Do", req.Method)
	require.Equal(t, "localhost:50051", req.Authority)
	require.Equal(t, "application/grpc", req.ContentType)
	require.True(t, req.HasTimeout)
	require.Equal(t, 3*time.Second, req.Timeout)
	require.Equal(t, metadata.MD{
		":authority": {"localhost:50051"},
		"user-agent": {"grpc-go/1.70"},
		"x-id":       {"a", "b"},
		"trace-bin":  {string([]byte{0, 0xff, 1})},
		"raw-bin":    {string([]byte{0xfe})},
	}, req.Metadata, "reserved keys and pseudo-headers other than :authority are not metadata")
}

func TestParseRequestNoTimeout(t *testing.T) {
	req, rej := ParseRequest(validRequest(), false)
	require.Nil(t, rej)
	require.False(t, req.HasTimeout)
	require.Zero(t, req.Timeout)
}

func TestParseRequestContentType(t *testing.T) {
	for _, ct := range []string{
		"application/grpc",
		"application/grpc+proto",
		"application/grpc+json",
		"application/grpc;charset=utf-8",
	} {
		req, rej := ParseRequest(replace(validRequest(), "content-type", ptr(ct)), false)
		require.Nil(t, rej, ct)
		require.Equal(t, ct, req.ContentType)
	}
	for _, ct := range []string{
		"text/plain",
		"application/grpcfoo",
		"application/grp",
		"application/json",
		"",
	} {
		_, rej := ParseRequest(replace(validRequest(), "content-type", ptr(ct)), false)
		require.NotNil(t, rej, "content-type %q", ct)
		require.Equal(t, 415, rej.HTTPStatus, "content-type %q", ct)
		require.NotNil(t, rej.Status)
		require.NotEqual(t, codes.OK, rej.Status.Code())
	}
	_, rej := ParseRequest(replace(validRequest(), "content-type", nil), false)
	require.NotNil(t, rej, "missing content-type")
	require.Equal(t, 415, rej.HTTPStatus)
}

func TestParseRequestMethod(t *testing.T) {
	for _, m := range []*string{ptr("GET"), ptr("PUT"), ptr("post"), nil} {
		_, rej := ParseRequest(replace(validRequest(), ":method", m), false)
		require.NotNil(t, rej, "method %v", m)
		require.Equal(t, 405, rej.HTTPStatus)
		require.NotEqual(t, codes.OK, rej.Status.Code())
	}
}

func TestParseRequestPath(t *testing.T) {
	for _, p := range []*string{ptr("pkg.Svc/Do"), ptr(""), nil} {
		_, rej := ParseRequest(replace(validRequest(), ":path", p), false)
		require.NotNil(t, rej, "path %v", p)
		require.Equal(t, codes.Unimplemented, rej.Status.Code())
	}
}

func TestParseRequestBadTimeout(t *testing.T) {
	for _, v := range []string{"", "1", "123456789S", "1x", "-1S"} {
		_, rej := ParseRequest(validRequest(hf("grpc-timeout", v)), false)
		require.NotNil(t, rej, "grpc-timeout %q", v)
		require.Equal(t, 400, rej.HTTPStatus)
		require.Equal(t, codes.Internal, rej.Status.Code())
	}
}

func TestParseRequestBadBinMetadata(t *testing.T) {
	_, rej := ParseRequest(validRequest(hf("trace-bin", "!!not base64!!")), false)
	require.NotNil(t, rej)
	require.Equal(t, 400, rej.HTTPStatus)
	require.Equal(t, codes.Internal, rej.Status.Code())
}

func TestParseRequestTruncated(t *testing.T) {
	_, rej := ParseRequest(validRequest(), true)
	require.NotNil(t, rej)
	require.Equal(t, 431, rej.HTTPStatus)
	require.NotEqual(t, codes.OK, rej.Status.Code())
}

func TestRequestHeadRoundTrip(t *testing.T) {
	h := RequestHead{
		Method:    "/pkg.Svc/Do",
		Authority: "host:1",
		Scheme:    "http",
		Timeout:   1500 * time.Millisecond,
		UserAgent: "ua/1",
		Metadata:  metadata.MD{"k": {"v1", "v2"}, "b-bin": {"\x00\x01"}},
	}
	fields, err := h.Fields()
	require.NoError(t, err)
	req, rej := ParseRequest(fields, false)
	require.Nil(t, rej)
	require.Equal(t, h.Method, req.Method)
	require.Equal(t, h.Authority, req.Authority)
	require.True(t, req.HasTimeout)
	require.Equal(t, h.Timeout, req.Timeout)
	require.Equal(t, metadata.MD{
		":authority": {"host:1"},
		"user-agent": {"ua/1"},
		"k":          {"v1", "v2"},
		"b-bin":      {"\x00\x01"},
	}, req.Metadata)
}

func TestRejectionFields(t *testing.T) {
	fields := RejectionFields(&Rejection{HTTPStatus: 415, Status: status.New(codes.Internal, "bad ct")})
	require.Equal(t, []hpack.HeaderField{
		hf(":status", "415"),
		hf("content-type", "application/grpc"),
		hf("grpc-status", "13"),
		hf("grpc-message", "bad ct"),
	}, fields)
}

func TestResponseHeaderFields(t *testing.T) {
	fields, err := ResponseHeaderFields("application/grpc+proto", metadata.MD{"k": {"v"}, "grpc-status": {"0"}})
	require.NoError(t, err)
	require.Equal(t, []hpack.HeaderField{
		hf(":status", "200"),
		hf("content-type", "application/grpc+proto"),
		hf("k", "v"),
	}, fields)

	_, err = ResponseHeaderFields(ContentType, metadata.MD{"k": {"\x7f"}})
	require.Error(t, err)
}

func TestTrailerFields(t *testing.T) {
	require.Equal(t, []hpack.HeaderField{hf("grpc-status", "0")}, TrailerFields(nil, nil), "nil status is OK")
	require.Equal(t, []hpack.HeaderField{hf("grpc-status", "0")}, TrailerFields(status.New(codes.OK, ""), nil))

	st := status.WithDetailsBin(codes.NotFound, "no such thing: 100% gone\n", []byte{8, 5, 0xff})
	fields := TrailerFields(st, metadata.MD{"k": {"v"}, "d-bin": {"\xff"}, "grpc-status": {"0"}})
	require.Equal(t, hf("grpc-status", "5"), fields[0])
	require.Equal(t, []string{"no such thing: 100%25 gone%0A"}, values(fields, "grpc-message"))
	require.Equal(t, []string{base64.RawStdEncoding.EncodeToString([]byte{8, 5, 0xff})}, values(fields, "grpc-status-details-bin"))
	require.Equal(t, []string{"v"}, values(fields, "k"))
	require.Equal(t, []string{base64.RawStdEncoding.EncodeToString([]byte{0xff})}, values(fields, "d-bin"))
	require.Equal(t, []string{"5"}, values(fields, "grpc-status"), "user metadata must not add a second grpc-status")
	require.Len(t, fields, 5)
}

func TestTrailerFieldsDropsUnsendableMetadata(t *testing.T) {
	st := status.New(codes.Aborted, "stop")
	fields := TrailerFields(st, metadata.MD{"bad": {"\x00"}})
	require.Equal(t, []hpack.HeaderField{hf("grpc-status", "10"), hf("grpc-message", "stop")}, fields,
		"the status survives metadata that cannot be sent")
}

func TestParseResponse(t *testing.T) {
	details := []byte{0x08, 0x03, 0x12, 0x01, 'x', 0xff}
	h, err := parseResponse([]hpack.HeaderField{
		hf(":status", "200"),
		hf("content-type", "application/grpc+proto"),
		hf("grpc-status", "3"),
		hf("grpc-message", "bad%20input%3A%20caf%C3%A9%"),
		hf("grpc-status-details-bin", base64.StdEncoding.EncodeToString(details)),
		hf("grpc-encoding", "identity"),
		hf("x-k", "v1"),
		hf("x-k", "v2"),
		hf("x-b-bin", base64.RawStdEncoding.EncodeToString([]byte{0, 0xff})),
	})
	require.NoError(t, err)
	require.Equal(t, 200, h.httpStatus)
	require.Equal(t, "application/grpc+proto", h.contentType)
	require.NotNil(t, h.status)
	require.Equal(t, codes.InvalidArgument, h.status.Code())
	require.Equal(t, "bad input: café%", h.status.Message())
	require.Equal(t, details, h.status.DetailsBin())
	require.Equal(t, metadata.MD{"x-k": {"v1", "v2"}, "x-b-bin": {"\x00\xff"}}, h.md)
}

func TestParseResponseHeadersOnly(t *testing.T) {
	h, err := parseResponse([]hpack.HeaderField{hf(":status", "200"), hf("content-type", "application/grpc"), hf("k", "v")})
	require.NoError(t, err)
	require.Nil(t, h.status, "no grpc-status, no status")
	require.Equal(t, metadata.MD{"k": {"v"}}, h.md)
}

func TestParseResponseStatusWithoutMessage(t *testing.T) {
	h, err := parseResponse([]hpack.HeaderField{hf("grpc-status", "0")})
	require.NoError(t, err)
	require.NotNil(t, h.status)
	require.Equal(t, codes.OK, h.status.Code())
	require.Empty(t, h.status.Message())
	require.Nil(t, h.status.DetailsBin())
	require.Zero(t, h.httpStatus)
}

func TestParseResponseMalformed(t *testing.T) {
	for name, fields := range map[string][]hpack.HeaderField{
		":status":                 {hf(":status", "ok")},
		"grpc-status":             {hf("grpc-status", "three")},
		"negative grpc-status":    {hf("grpc-status", "-1")},
		"huge grpc-status":        {hf("grpc-status", "4294967296")},
		"grpc-status-details-bin": {hf("grpc-status", "2"), hf("grpc-status-details-bin", "*")},
		"-bin metadata":           {hf("grpc-status", "0"), hf("x-bin", "not base64!")},
	} {
		_, err := parseResponse(fields)
		require.Error(t, err, name)
	}
}

func TestTrailerFieldsRoundTrip(t *testing.T) {
	for _, st := range []*status.Status{
		status.New(codes.OK, ""),
		status.New(codes.Unavailable, "try again"),
		status.New(codes.Internal, "ünïcode\t% and \x01 control"),
		status.WithDetailsBin(codes.FailedPrecondition, "with details", []byte{1, 2, 3, 0}),
	} {
		md := metadata.MD{"a": {"1"}, "z-bin": {"\x00\x80"}}
		h, err := parseResponse(append([]hpack.HeaderField{hf(":status", "200")}, TrailerFields(st, md)...))
		require.NoError(t, err)
		require.NotNil(t, h.status)
		require.Equal(t, st.Code(), h.status.Code())
		require.Equal(t, st.Message(), h.status.Message())
		require.Equal(t, st.DetailsBin(), h.status.DetailsBin())
		require.Equal(t, md, h.md)
	}
}

func TestHTTPStatusCode(t *testing.T) {
	for httpStatus, want := range map[int]codes.Code{
		400: codes.Internal,
		401: codes.Unauthenticated,
		403: codes.PermissionDenied,
		404: codes.Unimplemented,
		429: codes.Unavailable,
		502: codes.Unavailable,
		503: codes.Unavailable,
		504: codes.Unavailable,
		// Anything else.
		0:   codes.Unknown,
		200: codes.Unknown,
		405: codes.Unknown,
		415: codes.Unknown,
		431: codes.Unknown,
		500: codes.Unknown,
		501: codes.Unknown,
	} {
		require.Equal(t, want, httpStatusCode(httpStatus), "HTTP %d", httpStatus)
	}
}
