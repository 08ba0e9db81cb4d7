package streamactor

import (
	"fmt"
	"strings"

	"golang.org/x/net/http2/hpack"
)

// checkResponseBlock applies RFC 9113 8.3.2 to a header section a client
// receives: response headers carry :status and no other pseudo-header;
// trailers carry none. (The framer already refuses a duplicate :status and
// a mix of request and response pseudo-headers.)
func checkResponseBlock(fields []hpack.HeaderField, trailers bool) error {
	hasStatus := false
	for _, f := range fields {
		if !strings.HasPrefix(f.Name, ":") {
			continue
		}
		switch {
		case trailers:
			return fmt.Errorf("pseudo-header field %s in trailers", f.Name)
		case f.Name != ":status":
			return fmt.Errorf("request pseudo-header field %s in a response", f.Name)
		}
		hasStatus = true
	}
	if !trailers && !hasStatus {
		return fmt.Errorf("no :status pseudo-header field")
	}
	return nil
}
