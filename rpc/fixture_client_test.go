package rpc_test

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

// probe is the service the client tests call: "/test.Probe/Unary" answers
// with what unary returns, "/test.Probe/Bidi" runs bidi.
type probe struct {
	unary func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	bidi  func(stream rpc.ServerStream) error
}

type prober interface{ isProbe() }

func (*probe) isProbe() {}

const (
	probeUnary = "/test.Probe/Unary"
	probeBidi  = "/test.Probe/Bidi"
)

var probeBidiDesc = &rpc.StreamDesc{StreamName: "Bidi", ServerStreams: true, ClientStreams: true}

func probeDesc() *rpc.ServiceDesc {
	return &rpc.ServiceDesc{
		ServiceName: "test.Probe",
		HandlerType: (*prober)(nil),
		Methods: []rpc.MethodDesc{{MethodName: "Unary", Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor rpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			p := srv.(*probe)
			if interceptor == nil {
				return p.unary(ctx, in)
			}
			info := &rpc.UnaryServerInfo{Server: srv, FullMethod: probeUnary}
			return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
				return p.unary(ctx, req.(*wrapperspb.StringValue))
			})
		}}},
		Streams: []rpc.StreamDesc{{StreamName: "Bidi", ServerStreams: true, ClientStreams: true,
			Handler: func(srv any, stream rpc.ServerStream) error { return srv.(*probe).bidi(stream) }}},
	}
}

// echoUnary answers with the request.
func echoUnary(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	return in, nil
}

// echoBidi echoes every message until the client half-closes.
func echoBidi(stream rpc.ServerStream) error {
	for {
		in := new(wrapperspb.StringValue)
		if err := stream.RecvMsg(in); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := stream.SendMsg(in); err != nil {
			return err
		}
	}
}

// serveProbe serves p (echo handlers where nil) on a loopback port, stopped
// when the test ends; it returns the address.
func serveProbe(t *testing.T, p *probe, opts ...rpc.ServerOption) string {
	t.Helper()
	if p.unary == nil {
		p.unary = echoUnary
	}
	if p.bidi == nil {
		p.bidi = echoBidi
	}
	s := rpc.NewServer(opts...)
	s.RegisterService(probeDesc(), p)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		// A test that made no call may stop the server before Serve
		// started, which Serve then reports.
		if err := <-served; err != nil {
			require.ErrorIs(t, err, rpc.ErrServerStopped)
		}
	})
	return lis.Addr().String()
}

// plaintext is the transport credentials option of plaintext clients.
func plaintext() rpc.DialOption { return rpc.WithTransportCredentials(insecure.NewCredentials()) }

// newProbeClient makes a client of addr (passthrough), closed when the
// test ends (before the server, which was started earlier).
func newProbeClient(t *testing.T, addr string, opts ...rpc.DialOption) *rpc.ClientConn {
	t.Helper()
	cc, err := rpc.NewClient("passthrough:///"+addr, append([]rpc.DialOption{plaintext()}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc
}

// callUnary calls probeUnary with msg and returns the answer's value.
func callUnary(ctx context.Context, cc *rpc.ClientConn, msg string, opts ...rpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	err := cc.Invoke(ctx, probeUnary, wrapperspb.String(msg), out, opts...)
	return out.GetValue(), err
}
