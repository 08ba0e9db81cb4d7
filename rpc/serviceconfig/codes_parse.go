package serviceconfig

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/actorpc/actorpc/rpc/codes"
)

// parseRetryableCodes reads retryableStatusCodes: a non-empty list of status
// code names or numbers.
func parseRetryableCodes(obj object) (map[codes.Code]bool, error) {
	path := obj.at("retryableStatusCodes")
	elems, _, err := obj.list("retryableStatusCodes")
	if err != nil {
		return nil, err
	}
	if len(elems) == 0 {
		return nil, fmt.Errorf(`%s: is required and must not be empty: list the statuses to retry, such as ["UNAVAILABLE"]`, path)
	}
	set := make(map[codes.Code]bool, len(elems))
	for i, raw := range elems {
		c, err := parseCode(raw, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		set[c] = true
	}
	return set, nil
}

// parseCode reads one status code: a name ("UNAVAILABLE", "unavailable",
// "Unavailable") or its number (14). OK is refused: it means success, and
// grpc-java rejects it too, so a config that lists it is a mistake.
func parseCode(raw json.RawMessage, path string) (codes.Code, error) {
	var c codes.Code
	switch kindOf(raw) {
	case '"':
		name, err := asString(raw, path)
		if err != nil {
			return 0, err
		}
		var ok bool
		if c, ok = codeByName(name); !ok {
			return 0, fmt.Errorf(`%s: %s is not a status code name; use a name such as "UNAVAILABLE" or "DEADLINE_EXCEEDED", or a number from 1 to 16`,
				path, quote(name))
		}
	case '0':
		n, err := parseUint32(strings.TrimSpace(string(raw)))
		if err != nil || n > uint32(codes.Unauthenticated) {
			return 0, fmt.Errorf("%s: %s is not a status code; status codes are numbered 0 to 16", path, quoteShort(raw))
		}
		c = codes.Code(n)
	default:
		return 0, fmt.Errorf(`%s: must be a status code name such as "UNAVAILABLE" or a number, got %s`, path, describe(raw))
	}
	if c == codes.OK {
		return 0, fmt.Errorf("%s: OK cannot be retried: it means the call succeeded", path)
	}
	return c, nil
}

// codeByName looks a status code name up in any letter case, as the
// canonical name ("DEADLINE_EXCEEDED") or the Go name ("DeadlineExceeded").
func codeByName(name string) (codes.Code, bool) {
	if c, ok := codes.ParseName(strings.ToUpper(name)); ok {
		return c, true
	}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		if strings.EqualFold(name, c.String()) {
			return c, true
		}
	}
	return 0, false
}
