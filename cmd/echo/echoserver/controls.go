package echoserver

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// Metadata keys the server reacts to. See the package documentation.
const (
	EchoPrefix           = "x-echo-"
	DelayKey             = "echo-delay-ms"
	StatusKey            = "echo-status"
	StatusMessageKey     = "echo-status-message"
	StatusMessageBinKey  = "echo-status-message-bin"
	maxDelayMilliseconds = int64(time.Hour / time.Millisecond)
)

// controls is what one call's request metadata asks of the server.
type controls struct {
	// echoed holds the x-echo- metadata, to be sent as headers and trailers.
	echoed metadata.MD
	// delay precedes each response and the status; zero means none.
	delay time.Duration
	// final is the status to end the call with after the responses.
	final *status.Status
}

// echoedMetadata returns the x-echo- keys of md, deep-copied so the
// response metadata shares nothing with the request.
func echoedMetadata(md metadata.MD) metadata.MD {
	out := metadata.MD{}
	for k, v := range md {
		if strings.HasPrefix(k, EchoPrefix) {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// parseControls reads the control keys of md. Errors are InvalidArgument
// statuses naming the offending key, because a client that sent them is
// broken and should be told exactly how.
func parseControls(md metadata.MD) (controls, error) {
	c := controls{echoed: echoedMetadata(md), final: status.New(codes.OK, "")}
	if v, ok, err := single(md, DelayKey); err != nil {
		return c, err
	} else if ok {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms < 0 || ms > maxDelayMilliseconds {
			return c, status.Errorf(codes.InvalidArgument, "%s: %q is not a whole number of milliseconds from 0 to %d", DelayKey, v, maxDelayMilliseconds)
		}
		c.delay = time.Duration(ms) * time.Millisecond
	}
	v, ok, err := single(md, StatusKey)
	if err != nil || !ok {
		return c, err
	}
	code, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return c, status.Errorf(codes.InvalidArgument, "%s: %q is not a status code number (0 to 4294967295)", StatusKey, v)
	}
	msg, err := statusMessage(md)
	if err != nil {
		return c, err
	}
	c.final = status.New(codes.Code(code), msg)
	return c, nil
}

// statusMessage returns the message for echo-status from whichever of the
// two message keys is present.
func statusMessage(md metadata.MD) (string, error) {
	text, hasText, err := single(md, StatusMessageKey)
	if err != nil {
		return "", err
	}
	bin, hasBin, err := single(md, StatusMessageBinKey)
	if err != nil {
		return "", err
	}
	switch {
	case hasText && hasBin:
		return "", status.Errorf(codes.InvalidArgument, "set at most one of %s and %s", StatusMessageKey, StatusMessageBinKey)
	case hasBin:
		// gRPC status messages are UTF-8 by specification; passing other
		// bytes on would test the transport's tolerance, not the client.
		if !utf8.ValidString(bin) {
			return "", status.Errorf(codes.InvalidArgument, "%s: value is not valid UTF-8", StatusMessageBinKey)
		}
		return bin, nil
	default:
		return text, nil
	}
}

// single returns the only value of key in md and whether it is present.
// Repeating a control key is an error rather than "last one wins" so that
// a test never silently runs with a value it did not intend.
func single(md metadata.MD, key string) (string, bool, error) {
	vals := md.Get(key)
	switch len(vals) {
	case 0:
		return "", false, nil
	case 1:
		return vals[0], true, nil
	default:
		return "", false, status.Errorf(codes.InvalidArgument, "%s: got %d values, want one", key, len(vals))
	}
}
