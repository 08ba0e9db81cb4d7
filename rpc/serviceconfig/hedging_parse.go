package serviceconfig

import (
	"fmt"

	"github.com/actorpc/actorpc/rpc/codes"
)

// parseHedgingPolicy reads the hedgingPolicy of a methodConfig entry.
// maxAttempts is required; hedgingDelay and nonFatalStatusCodes are
// optional (A6: no delay sends every attempt at once, and with no
// non-fatal codes the first failure ends the call). As with retryPolicy,
// an invalid policy invalidates the whole config.
func parseHedgingPolicy(mc object) (*HedgingPolicy, error) {
	obj, ok, err := mc.object("hedgingPolicy")
	if err != nil || !ok {
		return nil, err
	}
	var p HedgingPolicy
	if p.MaxAttempts, err = parseMaxAttempts(obj); err != nil {
		return nil, err
	}
	delay, _, err := obj.duration("hedgingDelay")
	if err != nil {
		return nil, err
	}
	if delay < 0 {
		return nil, fmt.Errorf("%s: must not be negative, got %v", obj.at("hedgingDelay"), delay)
	}
	p.HedgingDelay = delay
	if p.NonFatalStatusCodes, err = parseCodeSet(obj, "nonFatalStatusCodes"); err != nil {
		return nil, err
	}
	return &p, nil
}

// parseCodeSet reads an optional list of status codes (names or numbers).
func parseCodeSet(obj object, key string) (map[codes.Code]bool, error) {
	elems, _, err := obj.list(key)
	if err != nil || len(elems) == 0 {
		return nil, err
	}
	set := make(map[codes.Code]bool, len(elems))
	for i, raw := range elems {
		c, err := parseCode(raw, fmt.Sprintf("%s[%d]", obj.at(key), i))
		if err != nil {
			return nil, err
		}
		set[c] = true
	}
	return set, nil
}
