package grpcinterop

import (
	"context"
	"errors"
	"io"
	"strings"

	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	grpcmd "google.golang.org/grpc/metadata"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	rpcmd "github.com/actorpc/actorpc/rpc/metadata"
	rpcstatus "github.com/actorpc/actorpc/rpc/status"
)

// md is request or response metadata, independent of the implementation.
type md = map[string][]string

// outcome is what a client saw of one call, independent of the client's
// implementation. code and message are the final status (OK for a call
// that ended normally).
type outcome struct {
	msgs    []string // the responses, in order
	header  md
	trailer md
	code    grpccodes.Code
	message string
	err     error // as the client returned it
}

// driver makes echo calls with one client implementation. Each kind of
// call sends md as request metadata.
type driver interface {
	unary(ctx context.Context, m md, msg string) outcome
	serverStreaming(ctx context.Context, m md, msg string) outcome
	clientStreaming(ctx context.Context, m md, msgs []string) outcome
	// bidi sends each message and waits for its echo before sending the
	// next, then half-closes and waits for the status.
	bidi(ctx context.Context, m md, msgs []string) outcome
	// openBidi starts a bidirectional call the test drives itself.
	openBidi(ctx context.Context, m md) (bidiStream, error)
	// status is the code and message of an error the client returned.
	status(err error) (grpccodes.Code, string)
}

type bidiStream interface {
	Header() (md, error) // waits for the response headers
	Send(msg string) error
	Recv() (string, error) // io.EOF after status OK
	CloseSend() error
}

// The stream shapes both implementations share, generic in the metadata
// type (grpc-go's and actorpc's MD are distinct types of the same kind).
type headerTrailer[M ~map[string][]string] interface {
	Header() (M, error)
	Trailer() M
}

type recvStream[M ~map[string][]string] interface {
	headerTrailer[M]
	Recv() (*echopb.EchoResponse, error)
}

type sendCloseStream[M ~map[string][]string] interface {
	headerTrailer[M]
	Send(*echopb.EchoRequest) error
	CloseAndRecv() (*echopb.EchoResponse, error)
}

type sendRecvStream[M ~map[string][]string] interface {
	recvStream[M]
	Send(*echopb.EchoRequest) error
	CloseSend() error
}

// recvAll receives until the call ends; err is nil for status OK.
func recvAll[M ~map[string][]string](s recvStream[M]) (msgs []string, err error) {
	for {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, resp.GetMessage())
	}
}

// finishOutcome fills in what the stream tells once the call has ended.
func finishOutcome[M ~map[string][]string](s headerTrailer[M], o outcome, status func(error) (grpccodes.Code, string)) outcome {
	// Header returns at once: the call has ended. Its error is the call's,
	// which o.err carries already.
	h, _ := s.Header()
	o.header = md(h)
	o.trailer = md(s.Trailer())
	o.code, o.message = status(o.err)
	return o
}

func serverStreamingOutcome[M ~map[string][]string](s recvStream[M], status func(error) (grpccodes.Code, string)) outcome {
	var o outcome
	o.msgs, o.err = recvAll(s)
	return finishOutcome(s, o, status)
}

func clientStreamingOutcome[M ~map[string][]string](s sendCloseStream[M], msgs []string, status func(error) (grpccodes.Code, string)) outcome {
	var o outcome
	for _, m := range msgs {
		// io.EOF means the call has ended; CloseAndRecv tells how.
		if err := s.Send(&echopb.EchoRequest{Message: m}); err != nil {
			break
		}
	}
	resp, err := s.CloseAndRecv()
	if err == nil {
		o.msgs = []string{resp.GetMessage()}
	}
	o.err = err
	return finishOutcome(s, o, status)
}

func bidiOutcome[M ~map[string][]string](s sendRecvStream[M], msgs []string, status func(error) (grpccodes.Code, string)) outcome {
	var o outcome
	for _, m := range msgs {
		if err := s.Send(&echopb.EchoRequest{Message: m}); err != nil {
			break // the call has ended: the receive below tells how
		}
		resp, err := s.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				o.err = err
			}
			return finishOutcome(s, o, status)
		}
		o.msgs = append(o.msgs, resp.GetMessage())
	}
	if err := s.CloseSend(); err != nil {
		o.err = err
		return finishOutcome(s, o, status)
	}
	rest, err := recvAll(s)
	o.msgs = append(o.msgs, rest...)
	o.err = err
	return finishOutcome(s, o, status)
}

// grpcDriver calls with grpc-go.
type grpcDriver struct{ c GRPCEchoClient }

func (d grpcDriver) ctx(ctx context.Context, m md) context.Context {
	return grpcmd.NewOutgoingContext(ctx, grpcmd.MD(m))
}

func (grpcDriver) status(err error) (grpccodes.Code, string) {
	st := grpcstatus.Convert(err)
	return st.Code(), st.Message()
}

func (d grpcDriver) unary(ctx context.Context, m md, msg string) outcome {
	var h, tr grpcmd.MD
	resp, err := d.c.UnaryEcho(d.ctx(ctx, m), &echopb.EchoRequest{Message: msg}, grpc.Header(&h), grpc.Trailer(&tr))
	o := outcome{header: md(h), trailer: md(tr), err: err}
	if err == nil {
		o.msgs = []string{resp.GetMessage()}
	}
	o.code, o.message = d.status(err)
	return o
}

func (d grpcDriver) serverStreaming(ctx context.Context, m md, msg string) outcome {
	s, err := d.c.ServerStreamingEcho(d.ctx(ctx, m), &echopb.EchoRequest{Message: msg})
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return serverStreamingOutcome[grpcmd.MD](s, d.status)
}

func (d grpcDriver) clientStreaming(ctx context.Context, m md, msgs []string) outcome {
	s, err := d.c.ClientStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return clientStreamingOutcome[grpcmd.MD](s, msgs, d.status)
}

func (d grpcDriver) bidi(ctx context.Context, m md, msgs []string) outcome {
	s, err := d.c.BidirectionalStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return bidiOutcome[grpcmd.MD](s, msgs, d.status)
}

func (d grpcDriver) openBidi(ctx context.Context, m md) (bidiStream, error) {
	s, err := d.c.BidirectionalStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		return nil, err
	}
	return textStream[grpcmd.MD]{s}, nil
}

// actorpcDriver calls with actorpc.
type actorpcDriver struct{ c echopb.EchoClient }

func (d actorpcDriver) ctx(ctx context.Context, m md) context.Context {
	return rpcmd.NewOutgoingContext(ctx, rpcmd.MD(m))
}

func (actorpcDriver) status(err error) (grpccodes.Code, string) {
	st := rpcstatus.Convert(err)
	return grpccodes.Code(st.Code()), st.Message()
}

func (d actorpcDriver) unary(ctx context.Context, m md, msg string) outcome {
	var h, tr rpcmd.MD
	resp, err := d.c.UnaryEcho(d.ctx(ctx, m), &echopb.EchoRequest{Message: msg}, rpc.Header(&h), rpc.Trailer(&tr))
	o := outcome{header: md(h), trailer: md(tr), err: err}
	if err == nil {
		o.msgs = []string{resp.GetMessage()}
	}
	o.code, o.message = d.status(err)
	return o
}

func (d actorpcDriver) serverStreaming(ctx context.Context, m md, msg string) outcome {
	s, err := d.c.ServerStreamingEcho(d.ctx(ctx, m), &echopb.EchoRequest{Message: msg})
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return serverStreamingOutcome[rpcmd.MD](s, d.status)
}

func (d actorpcDriver) clientStreaming(ctx context.Context, m md, msgs []string) outcome {
	s, err := d.c.ClientStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return clientStreamingOutcome[rpcmd.MD](s, msgs, d.status)
}

func (d actorpcDriver) bidi(ctx context.Context, m md, msgs []string) outcome {
	s, err := d.c.BidirectionalStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		code, message := d.status(err)
		return outcome{err: err, code: code, message: message}
	}
	return bidiOutcome[rpcmd.MD](s, msgs, d.status)
}

func (d actorpcDriver) openBidi(ctx context.Context, m md) (bidiStream, error) {
	s, err := d.c.BidirectionalStreamingEcho(d.ctx(ctx, m))
	if err != nil {
		return nil, err
	}
	return textStream[rpcmd.MD]{s}, nil
}

// textStream is a bidirectional stream of plain strings.
type textStream[M ~map[string][]string] struct{ s sendRecvStream[M] }

func (t textStream[M]) Send(msg string) error { return t.s.Send(&echopb.EchoRequest{Message: msg}) }
func (t textStream[M]) CloseSend() error      { return t.s.CloseSend() }
func (t textStream[M]) Header() (md, error) {
	h, err := t.s.Header()
	return md(h), err
}
func (t textStream[M]) Recv() (string, error) {
	resp, err := t.s.Recv()
	if err != nil {
		return "", err
	}
	return resp.GetMessage(), nil
}

// callKind is one of the four kinds of call, with the requests it sends
// and the responses the echo contract makes of them.
type callKind struct {
	name string
	call func(ctx context.Context, d driver, m md) outcome
	want []string // the responses of a call ending with status OK
}

var kinds = []callKind{
	{"unary", func(ctx context.Context, d driver, m md) outcome {
		return d.unary(ctx, m, "hello ü ✓")
	}, []string{"hello ü ✓"}},
	{"server-streaming", func(ctx context.Context, d driver, m md) outcome {
		return d.serverStreaming(ctx, m, "one  two\tthree ✓")
	}, []string{"one", "two", "three", "✓"}},
	{"client-streaming", func(ctx context.Context, d driver, m md) outcome {
		return d.clientStreaming(ctx, m, []string{"a b", "c", "ü"})
	}, []string{"a b c ü"}},
	{"bidi-streaming", func(ctx context.Context, d driver, m md) outcome {
		return d.bidi(ctx, m, []string{"ping", "", "pong ü"})
	}, []string{"ping", "", "pong ü"}},
}

// echoed returns the x-echo- keys of m, which the contract copies.
func echoed(m md) md {
	out := md{}
	for k, v := range m {
		if strings.HasPrefix(k, echoPrefix) {
			out[k] = v
		}
	}
	return out
}
