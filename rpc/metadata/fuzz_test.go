package metadata

import (
	"bytes"
	"testing"
)

// FuzzBinValue checks the "-bin" base64 coding: any bytes encode to
// printable ASCII (a valid header value) and decode back to themselves;
// any received value either decodes, to bytes that encode and decode back
// to the same bytes, or is refused with an error, never a panic.
func FuzzBinValue(f *testing.F) {
	f.Add([]byte{}, "")
	f.Add([]byte{0, 1, 2, 0xff}, "AAECAw")
	f.Add([]byte("hello"), "aGVsbG8=")
	f.Add([]byte{0x80}, "gA==")
	f.Add([]byte{1}, "AQ")
	f.Add([]byte{1, 2}, "AQI=")
	f.Add([]byte{}, "A")
	f.Add([]byte{}, "AQ=")
	f.Add([]byte{}, "AR==")
	f.Add([]byte{}, "a b=")
	f.Add([]byte{}, "-_8")
	f.Fuzz(func(t *testing.T, raw []byte, wire string) {
		enc := EncodeBinValue(raw)
		if err := ValidValue(enc); err != nil {
			t.Fatalf("EncodeBinValue(%x) = %q, not a valid header value: %v", raw, enc, err)
		}
		dec, err := DecodeBinValue(enc)
		if err != nil || !bytes.Equal(dec, raw) {
			t.Fatalf("DecodeBinValue(EncodeBinValue(%x)) = %x, %v", raw, dec, err)
		}
		got, err := DecodeBinValue(wire)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("DecodeBinValue(%q): empty error", wire)
			}
			return
		}
		again, err := DecodeBinValue(EncodeBinValue(got))
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("%q decodes to %x, which re-encodes to %x, %v", wire, got, again, err)
		}
	})
}

// FuzzValidPair checks the send-side checks against their definition: a
// key passes ValidKey exactly when it is non-empty and made of [0-9a-z-_.],
// a value passes ValidValue exactly when it is printable ASCII, and
// ValidPair is their conjunction (values of "-bin" keys exempt).
func FuzzValidPair(f *testing.F) {
	f.Add("key", "value")
	f.Add("", "")
	f.Add("Key", "v")
	f.Add("k-bin", "\x00\xff")
	f.Add("k", "tab\there")
	f.Add("a.b_c-1", "~ ")
	f.Add(":authority", "x")
	f.Fuzz(func(t *testing.T, k, v string) {
		keyOK := k != ""
		for i := 0; i < len(k); i++ {
			c := k[i]
			keyOK = keyOK && ('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.')
		}
		valueOK := true
		for i := 0; i < len(v); i++ {
			valueOK = valueOK && v[i] >= 0x20 && v[i] <= 0x7e
		}
		if (ValidKey(k) == nil) != keyOK {
			t.Fatalf("ValidKey(%q) = %v", k, ValidKey(k))
		}
		if (ValidValue(v) == nil) != valueOK {
			t.Fatalf("ValidValue(%q) = %v", v, ValidValue(v))
		}
		want := keyOK && (valueOK || IsBinaryKey(k))
		if err := ValidPair(k, v); (err == nil) != want {
			t.Fatalf("ValidPair(%q, %q) = %v, want ok=%v", k, v, err, want)
		} else if err != nil && err.Error() == "" {
			t.Fatalf("ValidPair(%q, %q): empty error", k, v)
		}
	})
}
