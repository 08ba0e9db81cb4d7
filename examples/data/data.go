// Package data finds the files the examples ship (the x509 certificates
// their -tls flags use) wherever the module was checked out or downloaded.
package data

import (
	"path/filepath"
	"runtime"
)

// dir is this package's directory, as the compiler saw it.
var dir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}()

// Path returns rel (e.g. "x509/ca_cert.pem") as an absolute path inside
// this package's directory; an absolute rel is returned as it is.
func Path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(dir, rel)
}
