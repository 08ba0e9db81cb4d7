package main

import (
	"slices"
	"strings"
	"testing"
)

// TestCallShowHeaders checks, for every kind of call, that each call's
// response headers come before its responses as "key: value" lines with
// the keys sorted, every value of a key in the order sent, and -bin
// values as the bytes --header took.
func TestCallShowHeaders(t *testing.T) {
	addr := startServer(t)
	flags := []string{"--show-headers", "--count", "2",
		"--header", "x-echo-b=2", "--header", "x-echo-a=1", "--header", "x-echo-a=0", "--header", "x-echo-c-bin=raw"}
	// The echoed request metadata, and the server naming itself.
	wantEchoed := []string{"x-echo-a: 1", "x-echo-a: 0", "x-echo-b: 2", "x-echo-c-bin: raw", serverHeader + ": " + addr}
	for _, tc := range []struct {
		method    string
		responses []string
	}{
		{"unary", []string{"hi there"}},
		{"server", []string{"hi", "there"}},
		{"client", []string{"hi there"}},
		{"bidi", []string{"hi", "there"}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			r := runEcho(t, callArgs(addr, tc.method, flags, "hi", "there")...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("got %v, want exit 0 and no stderr", r)
			}
			calls := splitCalls(r.stdout)
			if len(calls) != 2 {
				t.Fatalf("stdout shows %d calls, want 2:\n%s", len(calls), r.stdout)
			}
			for i, c := range calls {
				if !slices.IsSortedFunc(c.headers, func(a, b string) int { return strings.Compare(keyOf(a), keyOf(b)) }) {
					t.Errorf("call %d: headers not sorted by key: %q", i+1, c.headers)
				}
				var echoed []string
				for _, h := range c.headers {
					if strings.HasPrefix(h, "x-echo-") {
						echoed = append(echoed, h)
					}
				}
				if !slices.Equal(echoed, wantEchoed) {
					t.Errorf("call %d: echoed headers %q, want %q", i+1, echoed, wantEchoed)
				}
				if !slices.Equal(c.responses, tc.responses) {
					t.Errorf("call %d: responses %q after the headers, want %q", i+1, c.responses, tc.responses)
				}
			}
		})
	}
}

// shownCall is one call's part of "echo call --show-headers" output.
type shownCall struct {
	headers, responses []string
}

// splitCalls splits output into calls: a call is a run of header lines
// followed by responses. It assumes no response contains ": ".
func splitCalls(stdout string) []shownCall {
	var calls []shownCall
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		isHeader := strings.Contains(line, ": ")
		if len(calls) == 0 || isHeader && len(calls[len(calls)-1].responses) > 0 {
			calls = append(calls, shownCall{})
		}
		c := &calls[len(calls)-1]
		if isHeader {
			c.headers = append(c.headers, line)
		} else {
			c.responses = append(c.responses, line)
		}
	}
	return calls
}

func keyOf(header string) string {
	k, _, _ := strings.Cut(header, ": ")
	return k
}
