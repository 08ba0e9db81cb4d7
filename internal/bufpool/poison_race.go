//go:build race

package bufpool

// poison overwrites a message buffer as it is given back, in race-detector
// builds (where every test runs): a message still read after its Release
// then shows garbage and fails its test instead of passing by luck.
func poison(b []byte) {
	if len(b) == 0 {
		return
	}
	b[0] = 0xdb
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}
