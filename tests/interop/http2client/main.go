// Command http2client is the actorpc client for the negative HTTP/2 interop
// cases (https://github.com/grpc/grpc/blob/master/doc/negative-http2-interop-test-descriptions.md):
// it runs one case against a server that misbehaves as that case says
// (grpc's test/http2_test, or ../http2server), prints "PASS: <case>" and
// exits 0, or prints "FAIL: <case>: <why>" and exits 1. Its flags are
// those of grpc-go's interop/http2 client.
//
//	go run ./tests/interop/http2client --server_port 8080 --test_case rst_after_data
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

func main() {
	host := flag.String("server_host", "localhost", "the server host to connect to")
	port := flag.Int("server_port", 8080, "the server port to connect to")
	testCase := flag.String("test_case", "goaway", "the test case to run: one of "+strings.Join(caseNames(), ", "))
	flag.Parse()

	if err := run(context.Background(), net.JoinHostPort(*host, strconv.Itoa(*port)), *testCase); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %s: %v\n", *testCase, err)
		os.Exit(1)
	}
	fmt.Printf("PASS: %s\n", *testCase)
}
