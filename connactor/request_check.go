package connactor

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/http2/hpack"
)

// checkRequest applies RFC 9113 8.2-8.3 to a request's header section: a
// malformed request is refused with RST_STREAM PROTOCOL_ERROR before any
// handler sees it (8.1.1). x/net/http2's framer has already refused
// invalid field names and values, uppercase names, unknown or duplicate
// pseudo-header fields and pseudo-header fields after regular ones; what
// is left is checked here. It returns the request's content-length, or -1
// when it has none.
func checkRequest(fields []hpack.HeaderField) (contentLength int64, err error) {
	contentLength = -1
	var method, scheme, path, authority string
	var hasMethod, hasScheme, hasPath, hasAuthority bool
	for _, f := range fields {
		switch f.Name {
		case ":method":
			method, hasMethod = f.Value, true
		case ":scheme":
			scheme, hasScheme = f.Value, true
		case ":path":
			path, hasPath = f.Value, true
		case ":authority":
			authority, hasAuthority = f.Value, true
		case ":status", ":protocol":
			return 0, fmt.Errorf("pseudo-header field %s in a request", f.Name)
		case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
			// 8.2.2: connection-specific fields have no place in HTTP/2.
			return 0, fmt.Errorf("connection-specific header field %q", f.Name)
		case "te":
			if f.Value != "trailers" {
				return 0, fmt.Errorf("te header field %q: only \"trailers\" is allowed", f.Value)
			}
		case "content-length":
			n, perr := strconv.ParseUint(f.Value, 10, 63)
			if perr != nil || (contentLength >= 0 && int64(n) != contentLength) {
				return 0, fmt.Errorf("content-length %q is not a length", f.Value)
			}
			contentLength = int64(n)
		default:
			if strings.HasPrefix(f.Name, ":") {
				return 0, fmt.Errorf("unknown pseudo-header field %s", f.Name)
			}
		}
	}
	if !hasMethod || method == "" {
		return 0, fmt.Errorf("no :method pseudo-header field")
	}
	if method == "CONNECT" {
		// 8.5: CONNECT names only the authority.
		if hasScheme || hasPath || !hasAuthority || authority == "" {
			return 0, fmt.Errorf("CONNECT request with :scheme or :path, or without :authority")
		}
		return contentLength, nil
	}
	if !hasScheme || scheme == "" {
		return 0, fmt.Errorf("no :scheme pseudo-header field")
	}
	if !hasPath || path == "" {
		return 0, fmt.Errorf("missing or empty :path pseudo-header field")
	}
	return contentLength, nil
}

// checkTrailers applies RFC 9113 8.1 to a trailer section: no
// pseudo-header fields.
func checkTrailers(fields []hpack.HeaderField) error {
	for _, f := range fields {
		if strings.HasPrefix(f.Name, ":") {
			return fmt.Errorf("pseudo-header field %s in trailers", f.Name)
		}
	}
	return nil
}
