package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// headerFlag collects repeated --header key=value flags into request
// metadata. Values of "-bin" keys are used as raw bytes (the text as
// given), which the transport base64-encodes.
type headerFlag struct {
	md metadata.MD
}

func (h *headerFlag) String() string {
	if h == nil || len(h.md) == 0 {
		return ""
	}
	return fmt.Sprint(h.md)
}

// Set validates the pair up front so a bad header is a usage error, not a
// confusing failure from the transport.
func (h *headerFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return errors.New("want key=value")
	}
	k = strings.ToLower(k)
	if err := metadata.ValidPair(k, v); err != nil {
		return err
	}
	if metadata.IsReservedKey(k) {
		return fmt.Errorf("%q is reserved by the gRPC protocol", k)
	}
	if h.md == nil {
		h.md = metadata.MD{}
	}
	h.md.Append(k, v)
	return nil
}
