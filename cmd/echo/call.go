package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/encoding/gzip"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// callConfig is a parsed "echo call" command line.
type callConfig struct {
	target      string
	lb          string
	count       int
	method      string
	headers     headerFlag
	showHeaders bool
	timeout     time.Duration
	gzip        bool
	tlsCA       string
	tlsName     string
	messages    []string
}

// runCall implements "echo call": it makes the call --count times on one
// channel, printing each response message on its own line, and stops at
// the first non-OK status, printed as "CodeName: message" on stderr.
func runCall(args []string, stdout, stderr io.Writer) int {
	cfg, code, ok := parseCall(args, stderr)
	if !ok {
		return code
	}
	opts, err := dialOptions(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "echo call: %v\n", err)
		return exitFail
	}
	cc, err := rpc.NewClient(cfg.target, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "echo call: %v\n", err)
		return exitFail
	}
	defer cc.Close()

	client := echopb.NewEchoClient(cc)
	out := &output{w: stdout, showHeaders: cfg.showHeaders}
	for range cfg.count {
		if err := callOnce(cfg, client, out); err != nil {
			st := status.Convert(err)
			fmt.Fprintf(stderr, "%s: %s\n", st.Code(), st.Message())
			return exitFail
		}
	}
	return exitOK
}

// dialOptions turns the flags into the channel's options.
func dialOptions(cfg callConfig) ([]rpc.DialOption, error) {
	opts := []rpc.DialOption{
		rpc.WithUserAgent("actorpc-echo"),
		rpc.WithDefaultServiceConfig(lbPolicies[cfg.lb]),
	}
	if cfg.gzip {
		opts = append(opts, rpc.WithDefaultCallOptions(rpc.UseCompressor(gzip.Name)))
	}
	opts = append(opts, rpc.WithTransportCredentials(insecure.NewCredentials()))
	if cfg.tlsCA != "" {
		creds, err := credentials.NewClientTLSFromFile(cfg.tlsCA, cfg.tlsName)
		if err != nil {
			return nil, err
		}
		opts = append(opts, rpc.WithTransportCredentials(creds))
	}
	return opts, nil
}

// callOnce makes one call. Each call gets its own --timeout, so that a
// long --count run is not cut short by a deadline meant for one call.
func callOnce(cfg callConfig, c echopb.EchoClient, out *output) error {
	ctx := context.Background()
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	if cfg.headers.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, cfg.headers.md)
	}
	return callers[cfg.method](ctx, c, cfg.messages, out)
}
