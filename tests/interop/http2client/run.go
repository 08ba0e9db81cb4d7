package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/tests/interop/testrpc"
)

// caseTimeout bounds a whole case, so that a hung call fails the case
// instead of hanging the client.
const caseTimeout = 20 * time.Second

// run runs one case against the server at addr, over plaintext, on a
// client of its own that it closes before returning: a nil error is a
// pass. A non-empty authority replaces addr as the calls' :authority.
func run(ctx context.Context, addr, testCase, authority string) error {
	c, ok := cases[testCase]
	if !ok {
		return fmt.Errorf("unknown test case %q; want one of %s", testCase, strings.Join(caseNames(), ", "))
	}
	opts := []rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}
	if authority != "" {
		opts = append(opts, rpc.WithAuthority(authority))
	}
	cc, err := rpc.NewClient(addr, opts...)
	if err != nil {
		return fmt.Errorf("NewClient(%q): %w", addr, err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(ctx, caseTimeout)
	defer cancel()
	err = c(ctx, testrpc.NewTestServiceClient(cc))
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("the case outlived its bound: %w", ctx.Err())
	}
	return err
}

func caseNames() []string {
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
