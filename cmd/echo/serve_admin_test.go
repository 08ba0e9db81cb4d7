package main

import (
	"strings"
	"testing"
)

// TestServeBadAdminAddress: an admin address that cannot be listened on
// fails the command, after the echo server it started has stopped.
func TestServeBadAdminAddress(t *testing.T) {
	r := runEcho(t, "serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:notaport")
	if r.code != 1 || !strings.Contains(r.stderr, "admin: listen on 127.0.0.1:notaport") {
		t.Errorf("got %v, want exit 1 and the admin listen error", r)
	}
}
