package serviceconfig

import (
	"strings"
	"time"
)

// MethodConfig holds the settings that apply to calls of one method. A nil
// pointer (or zero Timeout) means the service config does not set it and
// the application's own choice, or the built-in default, applies.
//
// A MethodConfig returned by Config.Method shares its pointers with the
// Config and with every other call of the method: read it, never write
// through it.
type MethodConfig struct {
	// WaitForReady makes calls wait for a ready connection instead of
	// failing at once while the channel is in TRANSIENT_FAILURE.
	WaitForReady *bool
	// Timeout is the default deadline of a call; the effective deadline is
	// the earlier of this and the application's. 0 means none (a "0s" in
	// the config is read the same way).
	Timeout time.Duration
	// MaxRequestMessageBytes limits the size of each message the client
	// sends; the effective limit is the smaller of this and the client's.
	MaxRequestMessageBytes *int
	// MaxResponseMessageBytes limits the size of each message the client
	// receives; the effective limit is the smaller of this and the client's.
	MaxResponseMessageBytes *int
	// RetryPolicy, when set, makes failed calls be retried (A6).
	RetryPolicy *RetryPolicy
	// HedgingPolicy, when set, makes calls be hedged (A6). A method has a
	// RetryPolicy or a HedgingPolicy, never both.
	HedgingPolicy *HedgingPolicy
}

// Method returns the settings for fullMethod, written "/pkg.Service/Method"
// as in the :path of a gRPC request. Like every gRPC implementation it takes
// the most specific match and does not merge them: an entry naming the
// method, else the entry for its service, else the default entry (the empty
// name), else the zero MethodConfig. A nil Config gives the zero
// MethodConfig, so a channel without a service config needs no special case.
func (c *Config) Method(fullMethod string) MethodConfig {
	if c == nil || len(c.methods) == 0 {
		return MethodConfig{}
	}
	if service, method, ok := splitFullMethod(fullMethod); ok {
		if mc, ok := c.methods[methodName{service: service, method: method}]; ok {
			return mc
		}
		if mc, ok := c.methods[methodName{service: service}]; ok {
			return mc
		}
	}
	return c.methods[methodName{}]
}

// splitFullMethod splits "/pkg.Service/Method" into its service and method.
// The leading slash is optional so a name copied from a log without it
// still matches; anything else malformed matches only the default entry.
func splitFullMethod(fullMethod string) (service, method string, ok bool) {
	s := strings.TrimPrefix(fullMethod, "/")
	i := strings.LastIndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
