package metadata

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// binSuffix marks keys whose values are arbitrary bytes. HTTP/2 header values
// must be printable ASCII, so the gRPC protocol base64-encodes such values on
// the wire while applications see the raw bytes.
const binSuffix = "-bin"

// IsBinaryKey reports whether values of key k are binary, i.e. k ends in
// "-bin". k is expected to be lower-case, as all MD keys are.
func IsBinaryKey(k string) bool {
	return strings.HasSuffix(k, binSuffix)
}

// EncodeBinValue encodes a "-bin" value for the wire. It uses standard
// base64 without padding because that is what grpc-go and the other
// official implementations send; DecodeBinValue accepts both forms.
func EncodeBinValue[T ~string | ~[]byte](v T) string {
	return base64.RawStdEncoding.EncodeToString([]byte(v))
}

// DecodeBinValue decodes a "-bin" value received from the wire. The protocol
// lets senders choose whether to pad, so both padded and unpadded standard
// base64 are accepted (padding is only possible when the length is a
// multiple of four, which selects the decoder, as in grpc-go).
func DecodeBinValue(v string) ([]byte, error) {
	if len(v)%4 == 0 {
		return base64.StdEncoding.DecodeString(v)
	}
	return base64.RawStdEncoding.DecodeString(v)
}

// errEmptyKey is returned by ValidKey for "".
var errEmptyKey = errors.New("metadata: there is an empty key in the header")

// ValidKey reports whether k may be sent as a metadata key: non-empty and
// only lower-case letters, digits, '-', '_' and '.'. HTTP/2 forbids upper
// case header names and the gRPC spec restricts the rest; sending anything
// else makes peers reset the stream, so it is rejected before sending.
// Reserved keys are valid by this definition; see IsReservedKey.
func ValidKey(k string) error {
	if k == "" {
		return errEmptyKey
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z') && !('0' <= c && c <= '9') && c != '-' && c != '_' && c != '.' {
			return fmt.Errorf("metadata: header key %q contains illegal characters not in [0-9a-z-_.]", k)
		}
	}
	return nil
}

// ValidValue reports whether v may be sent as the value of a non-binary key:
// only printable ASCII (0x20-0x7E) is allowed in gRPC ASCII metadata. Values
// of "-bin" keys are exempt because they are base64-encoded on the wire. The
// error does not quote v, since metadata often carries credentials.
func ValidValue(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7E {
			return fmt.Errorf("metadata: header value contains non-printable ASCII character %#x at offset %d", c, i)
		}
	}
	return nil
}

// ValidPair checks a key and all its values the way grpc-go does before
// sending: the key must pass ValidKey, and unless it is a "-bin" key every
// value must pass ValidValue.
func ValidPair(k string, vals ...string) error {
	if err := ValidKey(k); err != nil {
		return err
	}
	if IsBinaryKey(k) {
		return nil
	}
	for _, v := range vals {
		if err := ValidValue(v); err != nil {
			return fmt.Errorf("metadata: header key %q: %w", k, err)
		}
	}
	return nil
}

// IsReservedKey reports whether k is a header owned by the HTTP/2 or gRPC
// protocol rather than by the application: any pseudo-header (":path",
// ":authority", ...) and content-type, user-agent, te, grpc-encoding,
// grpc-message, grpc-message-type, grpc-status, grpc-status-details-bin and
// grpc-timeout. This is grpc-go's list. Transports drop these when turning
// received headers into MD (so peers cannot spoof protocol state through
// metadata) and should not send application metadata under these names.
//
// grpc-go deliberately leaves grpc-previous-rpc-attempts,
// grpc-retry-pushback-ms and other "grpc-" keys out so they stay visible as
// metadata; this function does the same. See IsWhitelistedKey for reserved
// keys that grpc-go still exposes to handlers.
func IsReservedKey(k string) bool {
	if k != "" && k[0] == ':' {
		return true
	}
	switch k {
	case "content-type",
		"user-agent",
		"te",
		"grpc-encoding",
		"grpc-message",
		"grpc-message-type",
		"grpc-status",
		"grpc-status-details-bin",
		"grpc-timeout":
		return true
	}
	return false
}

// IsWhitelistedKey reports whether k is a reserved key that a server should
// nevertheless copy into the incoming MD: grpc-go exposes ":authority" and
// "user-agent" to handlers, and code ported from grpc-go reads them there.
func IsWhitelistedKey(k string) bool {
	return k == ":authority" || k == "user-agent"
}
