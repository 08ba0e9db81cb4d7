package rpc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// passthroughScheme is Dial's default scheme: the target is the address.
const passthroughScheme = "passthrough"

// Dial is DialContext with context.Background().
//
// Deprecated: use NewClient, as grpc-go says too; Dial is kept so that code
// written for grpc-go ports. Unlike NewClient, a target without a known
// scheme is taken as "passthrough:///"+target (no DNS resolution by the
// channel), and the channel starts connecting at once.
func Dial(target string, opts ...DialOption) (*ClientConn, error) {
	return DialContext(context.Background(), target, opts...)
}

// DialContext makes a client for target and starts connecting at once,
// where NewClient stays IDLE until the first call. A target without a
// known scheme is taken as "passthrough:///"+target, grpc-go's Dial
// default (NewClient's is dns).
//
// Without WithBlock it returns at once and ctx is not used. With WithBlock
// it waits until the channel is READY or ctx ends; then the channel is
// closed and ctx's error is returned (context.DeadlineExceeded or
// context.Canceled; with WithReturnConnectionError, joined with the last
// connection error). With FailOnNonTempDialError(true) a connection error
// that is not temporary ends the wait at once.
//
// Deprecated: use NewClient, as grpc-go says too; the blocking options
// make code race with the network rather than handle call errors.
func DialContext(ctx context.Context, target string, opts ...DialOption) (_ *ClientConn, err error) {
	cc, err := newClient(target, passthroughScheme, opts)
	if err != nil {
		return nil, err
	}
	cc.Connect()
	if !cc.opts.block {
		return cc, nil
	}
	if cc.opts.dialTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cc.opts.dialTimeout)
		defer cancel()
	}
	if err := cc.waitReady(ctx); err != nil {
		cc.Close()
		return nil, err
	}
	return cc, nil
}

// waitReady waits, for a blocking Dial, until the channel is READY.
func (cc *ClientConn) waitReady(ctx context.Context) error {
	for {
		s := cc.GetState()
		switch s {
		case connectivity.Ready:
			return nil
		case connectivity.Shutdown:
			return ErrClientConnClosing
		case connectivity.TransientFailure:
			if cc.opts.failOnNonTempDialError {
				if err := cc.connectionError(); err != nil && !isTemporary(err) {
					return err
				}
			}
		}
		if !cc.WaitForStateChange(ctx, s) {
			if cc.opts.returnLastError {
				if err := cc.connectionError(); err != nil {
					return fmt.Errorf("%w: %w", ctx.Err(), err)
				}
			}
			return ctx.Err()
		}
	}
}

// connectionError is the latest error a connection attempt (or the
// resolver) failed with; nil when none failed.
func (cc *ClientConn) connectionError() error {
	reply := make(chan error, 1)
	if !cc.send(connErrorMsg{reply: reply}) {
		return nil
	}
	select {
	case err := <-reply:
		return err
	case <-cc.ref.Done():
		return nil
	}
}

// isTemporary reports whether err says of itself that it is temporary
// (net errors do); an error that does not say is taken as temporary, so
// that FailOnNonTempDialError gives up only on what is known to last.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}

// parseTarget parses target; one without a known scheme is taken to have
// defaultScheme.
func parseTarget(target, defaultScheme string, known func(string) bool) (resolver.Target, error) {
	t, err := resolver.ParseTarget(target, known)
	if err != nil || defaultScheme == resolver.DefaultScheme {
		return t, err
	}
	if strings.HasPrefix(strings.ToLower(target), strings.ToLower(t.Scheme)+":") && known(t.Scheme) {
		return t, nil // the scheme was written, not defaulted
	}
	return resolver.ParseTarget(defaultScheme+":///"+target, known)
}

// WithBlock makes DialContext wait until the channel is READY.
//
// Deprecated: as in grpc-go; use NewClient and let calls wait
// (WaitForReady) or fail.
func WithBlock() DialOption { return func(o *dialOptions) { o.block = true } }

// WithReturnConnectionError is WithBlock, and a DialContext whose ctx ends
// first also returns the last connection error.
//
// Deprecated: as in grpc-go.
func WithReturnConnectionError() DialOption {
	return func(o *dialOptions) { o.block, o.returnLastError = true, true }
}

// FailOnNonTempDialError makes a blocking DialContext give up at once on
// a connection error that is not temporary (such as connection refused).
//
// Deprecated: as in grpc-go.
func FailOnNonTempDialError(f bool) DialOption {
	return func(o *dialOptions) { o.failOnNonTempDialError = f }
}

// WithTimeout bounds a blocking Dial (WithBlock).
//
// Deprecated: as in grpc-go; use DialContext's ctx.
func WithTimeout(d time.Duration) DialOption { return func(o *dialOptions) { o.dialTimeout = d } }
