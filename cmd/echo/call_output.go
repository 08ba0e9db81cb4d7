package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// output prints what the calls receive on stdout: the response messages
// and, with --show-headers, each call's response headers before them.
type output struct {
	w           io.Writer
	showHeaders bool
}

// message prints one response message on its own line.
func (o *output) message(msg string) {
	fmt.Fprintln(o.w, msg)
}

// headers prints md as one "key: value" line per value when --show-headers
// asked for it. Keys are sorted because metadata is a map: without an
// order, the output of two runs could not be compared. Values of "-bin"
// keys are printed as the raw bytes they decode to, which is how --header
// takes them. Pseudo-headers (":status", ...) are HTTP/2 framing, not
// metadata; they never reach md, and are skipped should one ever do so.
func (o *output) headers(md metadata.MD) {
	if !o.showHeaders {
		return
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		if !strings.HasPrefix(k, ":") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range md[k] {
			fmt.Fprintf(o.w, "%s: %s\n", k, v)
		}
	}
}
