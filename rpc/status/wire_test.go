package status

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// The vectors below are the ones grpc-go uses for its grpc-message codec,
// plus edge cases, so both implementations agree byte for byte.
func TestEncodeMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Hello", "Hello"},
		{" ~", " ~"},
		{"\u0000", "%00"},
		{"%", "%25"},
		{"100%", "100%25"},
		{"a\tb\nc\x7f", "a%09b%0Ac%7F"},
		{"系统", "%E7%B3%BB%E7%BB%9F"},
		{"é!", "%C3%A9!"},
		{string([]byte{0xff, 0xfe, 0xfd}), "%EF%BF%BD%EF%BF%BD%EF%BF%BD"},
		{"ok" + string([]byte{0xe7, 0xb3}) + "x", "ok%EF%BF%BD%EF%BF%BDx"},
	} {
		assert.Equal(t, tc.want, EncodeMessage(tc.in), "%q", tc.in)
	}
}

func TestDecodeMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Hello", "Hello"},
		{"H%61o", "Hao"},
		{"H%6", "H%6"},
		{"%", "%"},
		{"%%", "%%"},
		{"%G0", "%G0"},
		{"%0G", "%0G"},
		{"%%41", "%A"},
		{"%41%", "A%"},
		{"%e7%b3%bb", "系"},
		{"%E7%B3%BB%E7%BB%9F", "系统"},
		{"%EF%BF%BD", "\ufffd"},
		{"100%25", "100%"},
		{"%2541", "%41"},
	} {
		assert.Equal(t, tc.want, DecodeMessage(tc.in), "%q", tc.in)
	}
}

func TestEncodeOutputIsPrintableASCII(t *testing.T) {
	in := "tab\t nul\x00 emoji 🚀 latin é bad\xff pct% end"
	enc := EncodeMessage(in)
	for i := 0; i < len(enc); i++ {
		assert.True(t, enc[i] >= 0x20 && enc[i] <= 0x7E, "byte %d = %#x", i, enc[i])
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range []string{
		"", "plain", "%", "%%25", "%zz", "multi\nline\r\n", "日本語のメッセージ", "🚀🚀", "\x00\x01\x1f\x7f",
	} {
		assert.Equal(t, s, DecodeMessage(EncodeMessage(s)), "%q", s)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a%b", "系统", "\xff", "%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := EncodeMessage(s)
		for i := 0; i < len(enc); i++ {
			if enc[i] < 0x20 || enc[i] > 0x7E {
				t.Fatalf("unprintable byte %#x in %q", enc[i], enc)
			}
		}
		dec := DecodeMessage(enc)
		if utf8.ValidString(s) && dec != s {
			t.Fatalf("round trip %q -> %q -> %q", s, enc, dec)
		}
		if !utf8.ValidString(dec) {
			t.Fatalf("decoded invalid UTF-8 %q", dec)
		}
		_ = DecodeMessage(s) // must never panic on arbitrary input
	})
}
