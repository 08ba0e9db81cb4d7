package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/encoding/gzip"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// callConfig is a parsed "echo call" command line.
type callConfig struct {
	addr     string
	method   string
	headers  headerFlag
	timeout  time.Duration
	gzip     bool
	tlsCA    string
	tlsName  string
	messages []string
}

// runCall implements "echo call": it prints each response message on its
// own line, or the final non-OK status as "CodeName: message" on stderr.
func runCall(args []string, stdout, stderr io.Writer) int {
	cfg, code, ok := parseCall(args, stderr)
	if !ok {
		return code
	}
	ctx := context.Background()
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	if cfg.headers.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, cfg.headers.md)
	}
	opts := []rpc.DialOption{rpc.WithUserAgent("actorpc-echo")}
	if cfg.gzip {
		opts = append(opts, rpc.WithDefaultCallOptions(rpc.UseCompressor(gzip.Name)))
	}
	if cfg.tlsCA != "" {
		creds, err := credentials.NewClientTLSFromFile(cfg.tlsCA, cfg.tlsName)
		if err != nil {
			fmt.Fprintf(stderr, "echo call: %v\n", err)
			return exitFail
		}
		opts = append(opts, rpc.WithTransportCredentials(creds))
	}
	cc, err := rpc.NewClient(cfg.addr, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "echo call: connect to %s: %v\n", cfg.addr, err)
		return exitFail
	}
	defer cc.Close()

	show := func(msg string) { fmt.Fprintln(stdout, msg) }
	if err := callers[cfg.method](ctx, echopb.NewEchoClient(cc), cfg.messages, show); err != nil {
		st := status.Convert(err)
		fmt.Fprintf(stderr, "%s: %s\n", st.Code(), st.Message())
		return exitFail
	}
	return exitOK
}

// parseCall parses the flags of "echo call". When ok is false the caller
// exits with code; the problem has been reported on stderr.
func parseCall(args []string, stderr io.Writer) (cfg callConfig, code int, ok bool) {
	fs := flag.NewFlagSet("echo call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "", "`HOST:PORT` of the server (required)")
	fs.StringVar(&cfg.method, "method", "", "kind of call: "+methodNames()+" (required)")
	fs.Var(&cfg.headers, "header", "request metadata `key=value`; repeatable; values of keys ending in -bin are sent as raw bytes")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "deadline for the call, e.g. 500ms; 0 means none")
	fs.BoolVar(&cfg.gzip, "gzip", false, "compress the request messages with gzip")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "connect with TLS, trusting the PEM CA certificates in `file`")
	fs.StringVar(&cfg.tlsName, "tls-server-name", "", "the `name` the server's certificate must carry (default: the host of --addr)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: echo call --addr HOST:PORT --method unary|server|client|bidi [flags] MESSAGE...

Flags must come before the MESSAGE arguments. unary and server send the
arguments joined by spaces as one request; client and bidi send each
argument as a request. Each response message is printed on its own line.
A non-OK status is printed as "CodeName: message" on stderr, exit status 1.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, parseExit(err), false
	}
	cfg.messages = fs.Args()
	var problem string
	switch {
	case cfg.addr == "":
		problem = "--addr is required"
	case cfg.method == "":
		problem = "--method is required"
	case callers[cfg.method] == nil:
		problem = fmt.Sprintf("--method %q: want one of %s", cfg.method, methodNames())
	case cfg.timeout < 0:
		problem = "--timeout must not be negative"
	case cfg.tlsName != "" && cfg.tlsCA == "":
		problem = "--tls-server-name needs --tls-ca"
	}
	if problem != "" {
		fmt.Fprintf(stderr, "echo call: %s\n", problem)
		fs.Usage()
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

// methodNames lists the --method values for messages, in a stable order.
func methodNames() string {
	names := make([]string, 0, len(callers))
	for name := range callers {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
