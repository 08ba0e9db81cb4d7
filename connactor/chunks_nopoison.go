//go:build !race

package connactor

// poison does nothing outside race-detector builds (see chunks_poison.go).
func poison([]byte) {}
