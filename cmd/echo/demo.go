package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/debug"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// demoTimeout bounds the whole demo so a broken transport fails it rather
// than hanging it.
const demoTimeout = 10 * time.Second

// runDemo implements "echo" without arguments: an in-process server on a
// free loopback port and a client making each kind of call against it.
func runDemo(stdout, stderr io.Writer) int {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "echo: listen: %v\n", err)
		return exitFail
	}
	srv := rpc.NewServer()
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	fmt.Fprintf(stdout, "server listening on %s\n", lis.Addr())

	callErr := demoCalls(lis.Addr().String(), stdout, srv)
	srv.GracefulStop()
	serveErr := <-served
	if err := errors.Join(callErr, serveErr); err != nil {
		fmt.Fprintf(stderr, "echo: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(stdout, "server stopped")
	if err := demoTLS(stdout); err != nil {
		fmt.Fprintf(stderr, "echo: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(stdout, "tls server stopped")
	return exitOK
}

// demoCalls makes one call of each kind, showing what goes each way and the
// x-echo- metadata the server returns. While they run, srv's and the
// client's actors are on a live page (demoPage).
func demoCalls(addr string, w io.Writer, srv *rpc.Server) (err error) {
	cc, err := rpc.NewClient(addr, rpc.WithTransportCredentials(insecure.NewCredentials()), rpc.WithUserAgent("actorpc-echo-demo"))
	if err != nil {
		return fmt.Errorf("new client for %s: %w", addr, err)
	}
	defer func() {
		if cerr := cc.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close client: %w", cerr))
		}
	}()
	defer demoPage(w, debug.Server(srv), cc)()
	ctx, cancel := context.WithTimeout(context.Background(), demoTimeout)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "x-echo-demo", "actorpc")
	c := echopb.NewEchoClient(cc)
	for _, step := range []struct {
		name string
		run  func(context.Context, echopb.EchoClient, io.Writer) error
	}{
		{"unary", demoUnary},
		{"server streaming", demoServerStreaming},
		{"client streaming", demoClientStreaming},
		{"bidirectional streaming", demoBidi},
	} {
		if err := step.run(ctx, c, w); err != nil {
			return fmt.Errorf("%s call: %w", step.name, err)
		}
	}
	return nil
}
