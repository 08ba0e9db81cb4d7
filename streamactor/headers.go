package streamactor

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// ContentType is what actorpc sends; any "application/grpc" or
// "application/grpc+X" or "application/grpc;..." is accepted.
const ContentType = "application/grpc"

// RequestHead is what a client opens a call with.
type RequestHead struct {
	Method    string // "/package.Service/Method"
	Authority string
	Scheme    string        // "http" or "https"
	Timeout   time.Duration // 0: no deadline
	UserAgent string
	Metadata  metadata.MD
	// Encoding is the grpc-encoding of the request messages ("" or
	// "identity": none); AcceptEncoding the grpc-accept-encoding list.
	Encoding       string
	AcceptEncoding string
	// PreviousAttempts is how many attempts of this call came before
	// (A6 retries); sent as grpc-previous-rpc-attempts when not zero.
	PreviousAttempts int
}

// Fields renders the request headers in the order PROTOCOL-HTTP2 gives.
func (h RequestHead) Fields() ([]hpack.HeaderField, error) {
	fields := make([]hpack.HeaderField, 0, 8+len(h.Metadata))
	fields = append(fields,
		hpack.HeaderField{Name: ":method", Value: "POST"},
		hpack.HeaderField{Name: ":scheme", Value: h.Scheme},
		hpack.HeaderField{Name: ":path", Value: h.Method},
		hpack.HeaderField{Name: ":authority", Value: h.Authority},
		hpack.HeaderField{Name: "content-type", Value: ContentType},
		hpack.HeaderField{Name: "user-agent", Value: h.UserAgent},
		hpack.HeaderField{Name: "te", Value: "trailers"},
	)
	if h.Timeout > 0 {
		fields = append(fields, hpack.HeaderField{Name: "grpc-timeout", Value: EncodeTimeout(h.Timeout)})
	}
	fields = appendEncodings(fields, h.Encoding, h.AcceptEncoding)
	if h.PreviousAttempts > 0 {
		fields = append(fields, hpack.HeaderField{Name: "grpc-previous-rpc-attempts", Value: strconv.Itoa(h.PreviousAttempts)})
	}
	return appendMetadata(fields, h.Metadata, true)
}

// appendEncodings adds grpc-encoding (unless identity) and
// grpc-accept-encoding.
func appendEncodings(fields []hpack.HeaderField, encoding, accept string) []hpack.HeaderField {
	if encoding != "" && encoding != "identity" {
		fields = append(fields, hpack.HeaderField{Name: "grpc-encoding", Value: encoding})
	}
	if accept != "" {
		fields = append(fields, hpack.HeaderField{Name: "grpc-accept-encoding", Value: accept})
	}
	return fields
}

// Request is what a server learns from the request headers.
type Request struct {
	Method      string
	Authority   string
	ContentType string
	Encoding    string        // grpc-encoding of the request messages, "" for none
	Timeout     time.Duration // valid when HasTimeout
	HasTimeout  bool
	Metadata    metadata.MD
}

// Rejection is a request the server refuses before any handler runs,
// answered with a trailers-only response carrying HTTPStatus.
type Rejection struct {
	HTTPStatus int
	Status     *status.Status
}

// ParseRequest reads request headers. A request that is not gRPC gets the
// HTTP answer PROTOCOL-HTTP2 gives: 415 for a foreign content-type.
func ParseRequest(fields []hpack.HeaderField, truncated bool) (Request, *Rejection) {
	req := Request{Metadata: metadata.MD{}}
	if truncated {
		return req, &Rejection{HTTPStatus: 431, Status: status.New(codes.Internal, "request header list is larger than the server accepts")}
	}
	var method string
	for _, f := range fields {
		switch f.Name {
		case ":method":
			method = f.Value
		case ":path":
			req.Method = f.Value
		case ":authority":
			req.Authority = f.Value
			req.Metadata[f.Name] = append(req.Metadata[f.Name], f.Value)
		case "content-type":
			req.ContentType = f.Value
		case "grpc-encoding":
			if f.Value != "identity" {
				req.Encoding = f.Value
			}
		case "grpc-timeout":
			d, err := DecodeTimeout(f.Value)
			if err != nil {
				return req, &Rejection{HTTPStatus: 400, Status: status.Newf(codes.Internal, "malformed grpc-timeout: %v", err)}
			}
			req.Timeout, req.HasTimeout = d, true
		case "user-agent":
			req.Metadata[f.Name] = append(req.Metadata[f.Name], f.Value)
		default:
			if strings.HasPrefix(f.Name, ":") || metadata.IsReservedKey(f.Name) {
				continue
			}
			if err := addField(req.Metadata, f); err != nil {
				return req, &Rejection{HTTPStatus: 400, Status: status.New(codes.Internal, err.Error())}
			}
		}
	}
	if !validContentType(req.ContentType) {
		return req, &Rejection{HTTPStatus: 415, Status: status.Newf(codes.Internal, "unsupported content-type %q: want application/grpc", req.ContentType)}
	}
	if method != "POST" {
		return req, &Rejection{HTTPStatus: 405, Status: status.Newf(codes.Internal, "unsupported :method %q: gRPC requests are POST", method)}
	}
	if !strings.HasPrefix(req.Method, "/") {
		return req, &Rejection{HTTPStatus: 400, Status: status.Newf(codes.Unimplemented, "malformed method name %q", req.Method)}
	}
	return req, nil
}

func validContentType(ct string) bool {
	if !strings.HasPrefix(ct, ContentType) {
		return false
	}
	rest := ct[len(ContentType):]
	return rest == "" || rest[0] == '+' || rest[0] == ';'
}

// ResponseHeaderFields renders response headers with md.
func ResponseHeaderFields(contentType string, md metadata.MD) ([]hpack.HeaderField, error) {
	fields := make([]hpack.HeaderField, 0, 2+len(md))
	fields = append(fields,
		hpack.HeaderField{Name: ":status", Value: "200"},
		hpack.HeaderField{Name: "content-type", Value: contentType},
	)
	return appendMetadata(fields, md, false)
}

// RejectionFields renders a trailers-only answer to a refused request.
func RejectionFields(r *Rejection) []hpack.HeaderField {
	fields := []hpack.HeaderField{
		{Name: ":status", Value: strconv.Itoa(r.HTTPStatus)},
		{Name: "content-type", Value: ContentType},
	}
	return append(fields, statusFields(r.Status)...)
}

// TrailerFields renders the status and the trailer metadata. Metadata
// that cannot be sent is dropped rather than losing the status.
func TrailerFields(st *status.Status, md metadata.MD) []hpack.HeaderField {
	fields := statusFields(st)
	if withMD, err := appendMetadata(fields, md, false); err == nil {
		fields = withMD
	}
	return fields
}

func statusFields(st *status.Status) []hpack.HeaderField {
	fields := make([]hpack.HeaderField, 0, 3)
	fields = append(fields, hpack.HeaderField{Name: "grpc-status", Value: strconv.Itoa(int(st.Code()))})
	if msg := st.Message(); msg != "" {
		fields = append(fields, hpack.HeaderField{Name: "grpc-message", Value: status.EncodeMessage(msg)})
	}
	if d := st.DetailsBin(); d != nil {
		fields = append(fields, hpack.HeaderField{Name: "grpc-status-details-bin", Value: metadata.EncodeBinValue(d)})
	}
	return fields
}

// responseHead is what a client learns from response headers or trailers.
type responseHead struct {
	httpStatus  int
	contentType string
	encoding    string // grpc-encoding of the response messages
	md          metadata.MD
	status      *status.Status // from grpc-status, when present
}

// parseResponse reads response headers, trailers, or a trailers-only
// response: pseudo-headers and status fields are taken out, the rest is
// metadata.
func parseResponse(fields []hpack.HeaderField) (responseHead, error) {
	h := responseHead{md: metadata.MD{}}
	var code *codes.Code
	var msg string
	var details []byte
	for _, f := range fields {
		switch f.Name {
		case ":status":
			n, err := strconv.Atoi(f.Value)
			if err != nil {
				return h, fmt.Errorf("malformed :status %q", f.Value)
			}
			h.httpStatus = n
		case "content-type":
			h.contentType = f.Value
		case "grpc-encoding":
			if f.Value != "identity" {
				h.encoding = f.Value
			}
		case "grpc-status":
			n, err := strconv.ParseUint(f.Value, 10, 32)
			if err != nil {
				return h, fmt.Errorf("malformed grpc-status %q", f.Value)
			}
			c := codes.Code(n)
			code = &c
		case "grpc-message":
			msg = status.DecodeMessage(f.Value)
		case "grpc-status-details-bin":
			d, err := metadata.DecodeBinValue(f.Value)
			if err != nil {
				return h, fmt.Errorf("malformed grpc-status-details-bin: %w", err)
			}
			details = d
		default:
			if strings.HasPrefix(f.Name, ":") || metadata.IsReservedKey(f.Name) {
				continue
			}
			if err := addField(h.md, f); err != nil {
				return h, err
			}
		}
	}
	if code != nil {
		if details != nil {
			h.status = status.WithDetailsBin(*code, msg, details)
		} else {
			h.status = status.New(*code, msg)
		}
	}
	return h, nil
}

// httpStatusCode maps a non-200 HTTP status to a gRPC code, by the table
// in PROTOCOL-HTTP2 (http-grpc-status-mapping).
func httpStatusCode(httpStatus int) codes.Code {
	switch httpStatus {
	case 400:
		return codes.Internal
	case 401:
		return codes.Unauthenticated
	case 403:
		return codes.PermissionDenied
	case 404:
		return codes.Unimplemented
	case 429, 502, 503, 504:
		return codes.Unavailable
	}
	return codes.Unknown
}
