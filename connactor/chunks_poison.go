//go:build race

package connactor

// poison overwrites a chunk as it is given back, in race-detector builds
// (where every test runs): a message still pointing into a chunk that was
// recycled too early then reads garbage and fails its test, instead of
// passing by luck while the chunk happens to be unused.
func poison(b []byte) {
	if len(b) == 0 {
		return
	}
	b[0] = 0xdb
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}
