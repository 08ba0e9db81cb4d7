package serviceconfig

import (
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
)

// HedgingPolicy says how a call is hedged (A6): the first attempt goes at
// once, another every HedgingDelay until MaxAttempts are out or one of
// them commits. Like the rest of a Config it is read-only after Parse.
type HedgingPolicy struct {
	// MaxAttempts is the most attempts a call makes, the first included;
	// between 2 and 5 (larger configured values are capped to 5).
	MaxAttempts int
	// HedgingDelay is how long after an attempt the next one is sent;
	// 0 sends them all at once.
	HedgingDelay time.Duration
	// NonFatalStatusCodes are the statuses with which one attempt may fail
	// while the others go on (and the next is sent at once); any other
	// status ends the call. Use NonFatal to ask.
	NonFatalStatusCodes map[codes.Code]bool
}

// NonFatal reports whether an attempt that ended with status code c leaves
// the call's other attempts running.
func (p *HedgingPolicy) NonFatal(c codes.Code) bool {
	return p != nil && p.NonFatalStatusCodes[c]
}
