//go:build !linux

package connactor

import "io"

// newScatter: readv is used on Linux only; elsewhere payloads are read
// through the read buffer.
func newScatter(io.Reader) scatterer { return nil }
