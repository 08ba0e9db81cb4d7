package status

import (
	"strings"
	"unicode/utf8"
)

// This file implements the percent-encoding of the grpc-message trailer
// defined in gRPC's PROTOCOL-HTTP2.md. HTTP/2 header values must be
// printable ASCII, while status messages are arbitrary UTF-8 text, so the
// message is sent as percent-encoded UTF-8.

const upperHex = "0123456789ABCDEF"

// needsEscape reports whether b must be percent-encoded: everything outside
// printable ASCII (0x20-0x7E), and '%' itself so decoding is unambiguous.
func needsEscape(b byte) bool {
	return b < 0x20 || b > 0x7E || b == '%'
}

// EncodeMessage percent-encodes msg for the grpc-message trailer. Each byte
// that needs escaping becomes %XX with uppercase hex digits. As in grpc-go,
// every byte that is not part of a valid UTF-8 sequence is replaced by U+FFFD
// (sent as %EF%BF%BD) so the peer always decodes valid UTF-8, as the protocol
// requires.
func EncodeMessage(msg string) string {
	i := 0
	for i < len(msg) && !needsEscape(msg[i]) {
		i++
	}
	if i == len(msg) {
		return msg // fast path: nothing to escape, no allocation
	}
	var sb strings.Builder
	sb.Grow(len(msg) + 2*(len(msg)-i))
	sb.WriteString(msg[:i])
	for i < len(msg) {
		b := msg[i]
		if !needsEscape(b) {
			sb.WriteByte(b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(msg[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteString("%EF%BF%BD")
			i++
			continue
		}
		for _, c := range []byte(msg[i : i+size]) {
			sb.WriteByte('%')
			sb.WriteByte(upperHex[c>>4])
			sb.WriteByte(upperHex[c&0x0F])
		}
		i += size
	}
	return sb.String()
}

// DecodeMessage reverses EncodeMessage. The protocol asks receivers to be
// lenient, so it never fails: hex digits of either case are accepted, and a
// '%' not followed by two hex digits is kept literally.
func DecodeMessage(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s // fast path: nothing to decode, no allocation
	}
	var sb strings.Builder
	sb.Grow(len(s))
	sb.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			hi, okHi := unhex(s[i+1])
			lo, okLo := unhex(s[i+2])
			if okHi && okLo {
				sb.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
