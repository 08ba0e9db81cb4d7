// Command server is the actorpc gRPC interop server: it serves
// grpc.testing.TestService as grpc-go's interop server does (see
// https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md),
// so that the interop clients of any gRPC implementation can test against
// it.
//
//	go run ./tests/interop/server --port 10000 [--use_tls]
//
// It stops on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/tests/interop/testrpc"
)

func main() {
	port := flag.Int("port", 10000, "the port to listen on")
	useTLS := flag.Bool("use_tls", false, "serve TLS (grpc-go's test certificate server1.pem) instead of plaintext")
	flag.Parse()
	if err := run(*port, *useTLS); err != nil {
		fmt.Fprintln(os.Stderr, "interop server:", err)
		os.Exit(1)
	}
}

func run(port int, useTLS bool) error {
	opts, err := transportOptions(useTLS)
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		return err
	}
	s := rpc.NewServer(opts...)
	testrpc.RegisterTestServiceServer(s, testServer{})

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		if _, ok := <-signals; ok {
			s.Stop()
		}
	}()

	fmt.Fprintf(os.Stderr, "interop server listening on %v (tls: %v)\n", lis.Addr(), useTLS)
	err = s.Serve(lis)
	s.Stop()
	return err
}
