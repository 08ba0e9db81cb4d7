package main

import (
	"strings"
	"testing"
)

// TestCallFlagProblems checks that each usage error of the target flags
// says what is wrong, above the usage text.
func TestCallFlagProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"addr and target", []string{"--addr", "127.0.0.1:1", "--target", "127.0.0.1:1", "--method", "unary"},
			"echo call: --addr and --target name the same thing (--addr is the older name): give only one\n"},
		{"no target", []string{"--method", "unary"}, "echo call: --target is required\n"},
		{"unknown lb", []string{"--target", "127.0.0.1:1", "--method", "unary", "--lb", "least_request"},
			"echo call: --lb \"least_request\": want one of pick_first, round_robin\n"},
		{"zero count", []string{"--target", "127.0.0.1:1", "--method", "unary", "--count", "0"},
			"echo call: --count 0: want 1 or more\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, append([]string{"call"}, tc.args...)...)
			if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, tc.want+"usage: echo call") {
				t.Errorf("got %v, want exit 2 and stderr starting %q then the usage", r, tc.want)
			}
		})
	}
}
