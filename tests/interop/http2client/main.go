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
	"errors"
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
	// Not flags of grpc-go's negative client, but of the interop clients
	// a runner may pass them to as well: accepted, TLS refused by name.
	useTLS := flag.Bool("use_tls", false, "not supported: the negative cases run over plaintext, as grpc's server for them serves")
	hostOverride := flag.String("server_host_override", "", "the :authority of the calls, if not server_host:server_port")
	flag.Parse()

	err := errors.New("--use_tls is not supported: the negative HTTP/2 cases run over plaintext")
	if !*useTLS {
		err = run(context.Background(), net.JoinHostPort(*host, strconv.Itoa(*port)), *testCase, *hostOverride)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %s: %v\n", *testCase, err)
		os.Exit(1)
	}
	fmt.Printf("PASS: %s\n", *testCase)
}
