// Command client is the actorpc gRPC interop client: it runs one test case
// of https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md
// against an interop server of any gRPC implementation, prints
// "PASS: <case>" and exits 0, or prints "FAIL: <case>: <why>" and exits 1.
//
//	go run ./tests/interop/client --server_port 10000 --test_case large_unary
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/tests/interop/testrpc"
)

// caseTimeout bounds a whole test case, so that a hung call fails the case
// instead of hanging the client.
const caseTimeout = 20 * time.Second

func main() {
	host := flag.String("server_host", "localhost", "the server host to connect to")
	port := flag.Int("server_port", 10000, "the server port to connect to")
	testCase := flag.String("test_case", "large_unary", "the test case to run: one of "+strings.Join(caseNames(), ", "))
	useTLS := flag.Bool("use_tls", false, "connect with TLS instead of plaintext")
	useTestCA := flag.Bool("use_test_ca", false, "trust the test CA (grpc-go's testdata ca.pem) instead of the system roots")
	hostOverride := flag.String("server_host_override", "foo.test.google.fr", "the server name claimed in TLS and in :authority")
	flag.Parse()

	run, ok := cases[*testCase]
	if !ok {
		fail(*testCase, fmt.Errorf("unknown test case; want one of %s", strings.Join(caseNames(), ", ")))
	}
	opts, err := transportOptions(*useTLS, *useTestCA, *hostOverride)
	if err != nil {
		fail(*testCase, err)
	}
	if *hostOverride != "" {
		opts = append(opts, rpc.WithAuthority(*hostOverride))
	}
	cc, err := rpc.NewClient(net.JoinHostPort(*host, strconv.Itoa(*port)), opts...)
	if err != nil {
		fail(*testCase, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	err = run(ctx, stubs{
		test:          testrpc.NewTestServiceClient(cc),
		unimplemented: testrpc.NewUnimplementedServiceClient(cc),
	})
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("the case outlived its %v bound", caseTimeout)
	}
	cancel()
	cc.Close()
	if err != nil {
		fail(*testCase, err)
	}
	fmt.Printf("PASS: %s\n", *testCase)
}

func fail(testCase string, err error) {
	fmt.Fprintf(os.Stderr, "FAIL: %s: %v\n", testCase, err)
	os.Exit(1)
}

func caseNames() []string {
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
