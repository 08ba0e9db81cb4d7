// Package stacks puts actorpc and grpc-go behind one small interface, so
// that the bench command (tests/bench) and the go-test benchmarks
// (tests/bench/gobench) run the very same workloads on both: a server on a
// loopback TCP listener, a client with one connection to it, unary calls,
// bidirectional streams and server streams of the echo messages.
//
// Both servers serve the echo service (grpc.examples.echo.Echo: actorpc's
// cmd/echo/echoserver and grpc-go's tests/grpcinterop.GRPCEcho) and a tiny
// bench service, bench.Bench/Stream, that streams responses as fast as the
// client reads them.
package stacks

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	rpccredentials "github.com/actorpc/actorpc/rpc/credentials"
	rpcinsecure "github.com/actorpc/actorpc/rpc/credentials/insecure"
	rpcgzip "github.com/actorpc/actorpc/rpc/encoding/gzip"
	"github.com/actorpc/actorpc/tests/grpcinterop"
)

// Method names on the wire; both stacks serve them.
const (
	UnaryMethod  = echopb.Echo_UnaryEcho_FullMethodName
	BidiMethod   = echopb.Echo_BidirectionalStreamingEcho_FullMethodName
	StreamMethod = "/bench.Bench/Stream"
)

// Stack is one gRPC implementation.
type Stack interface {
	Name() string
	// Serve starts a server on a fresh loopback listener. stop ends it and
	// waits until Serve has returned.
	Serve() (s *Server, err error)
	// Dial makes a client of addr. The connection is made by the first call.
	Dial(addr string) (Client, error)
	// ServeWith is Serve with what cfg changes (TLS, gzip, limits).
	ServeWith(cfg Config) (*Server, error)
	// DialWith makes a client of addrs (one unless cfg.RoundRobin) with
	// what cfg changes.
	DialWith(addrs []string, cfg Config) (Client, error)
}

// Server is a running server.
type Server struct {
	Addr string
	stop func()
}

// Stop stops the server hard (no grace) and waits for Serve to return.
func (s *Server) Stop() { s.stop() }

// Client is one client channel (one connection).
type Client interface {
	// Unary makes one UnaryEcho call into a fresh response, as generated
	// client code does.
	Unary(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error)
	// Bidi opens a BidirectionalStreamingEcho stream.
	Bidi(ctx context.Context) (MsgStream, error)
	// ServerStream opens bench.Bench/Stream: the server answers with count
	// responses of size bytes (count 0: until the call is cancelled).
	ServerStream(ctx context.Context, count, size int) (MsgStream, error)
	Close()
}

// MsgStream is what both stacks' client streams have in common.
type MsgStream interface {
	SendMsg(m any) error
	RecvMsg(m any) error
	CloseSend() error
}

// All returns the stacks in a fixed order.
func All() []Stack { return []Stack{GRPCGo{}, Actorpc{}} }

// ByName finds a stack.
func ByName(name string) (Stack, error) {
	for _, s := range All() {
		if s.Name() == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown stack %q (want grpc-go or actorpc)", name)
}

// StreamRequest is the request of bench.Bench/Stream.
func StreamRequest(count, size int) *echopb.EchoRequest {
	return &echopb.EchoRequest{Message: fmt.Sprintf("%d %d", count, size)}
}

func parseStreamRequest(req *echopb.EchoRequest) (count, size int, err error) {
	f := strings.Fields(req.GetMessage())
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("bench stream request %q: want \"count size\"", req.GetMessage())
	}
	if count, err = strconv.Atoi(f[0]); err != nil {
		return 0, 0, err
	}
	if size, err = strconv.Atoi(f[1]); err != nil {
		return 0, 0, err
	}
	return count, size, nil
}

// streamOut sends what a bench stream request asks for with send.
func streamOut(req *echopb.EchoRequest, send func(any) error) error {
	count, size, err := parseStreamRequest(req)
	if err != nil {
		return err
	}
	resp := &echopb.EchoResponse{Message: strings.Repeat("x", size)}
	for i := 0; count == 0 || i < count; i++ {
		if err := send(resp); err != nil {
			return err
		}
	}
	return nil
}

// benchService is the (empty) service interface of bench.Bench.
type benchService interface{ benchStream() }

type benchImpl struct{}

func (benchImpl) benchStream() {}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// ---- actorpc ----

// Actorpc is this repository's stack.
type Actorpc struct{}

func (Actorpc) Name() string { return "actorpc" }

var actorpcBenchDesc = rpc.ServiceDesc{
	ServiceName: "bench.Bench",
	HandlerType: (*benchService)(nil),
	Streams: []rpc.StreamDesc{{
		StreamName:    "Stream",
		ServerStreams: true,
		Handler: func(_ any, stream rpc.ServerStream) error {
			req := new(echopb.EchoRequest)
			if err := stream.RecvMsg(req); err != nil {
				return err
			}
			return streamOut(req, stream.SendMsg)
		},
	}},
}

func (a Actorpc) Serve() (*Server, error) { return a.ServeWith(Config{}) }

func (Actorpc) ServeWith(cfg Config) (*Server, error) {
	var opts []rpc.ServerOption
	if cfg.TLS {
		p, err := TestPKI()
		if err != nil {
			return nil, err
		}
		opts = append(opts, rpc.Creds(rpccredentials.NewServerTLSFromCert(&p.Cert)))
	}
	if cfg.MaxMsg > 0 {
		// The connection's memory budget follows: never under two of
		// the largest requests.
		opts = append(opts, rpc.MaxRecvMsgSize(cfg.MaxMsg), rpc.MaxSendMsgSize(cfg.MaxMsg))
	}
	otel := cfg.otel()
	if otel != nil {
		opts = append(opts, otel.actorpcServer())
	}
	lis, err := listen()
	if err != nil {
		return nil, err
	}
	s := rpc.NewServer(opts...)
	echoserver.Register(s)
	s.RegisterService(&actorpcBenchDesc, benchImpl{})
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.Serve(lis)
	}()
	return &Server{Addr: lis.Addr().String(), stop: func() {
		s.Stop()
		<-served
		otel.shutdown()
	}}, nil
}

func (a Actorpc) Dial(addr string) (Client, error) { return a.DialWith([]string{addr}, Config{}) }

func (Actorpc) DialWith(addrs []string, cfg Config) (Client, error) {
	if len(addrs) == 0 {
		return nil, fmt.Errorf("actorpc: no address to dial")
	}
	creds := rpcinsecure.NewCredentials()
	if cfg.TLS {
		p, err := TestPKI()
		if err != nil {
			return nil, err
		}
		creds = rpccredentials.NewClientTLSFromCert(p.Pool, "")
	}
	opts := []rpc.DialOption{rpc.WithTransportCredentials(creds)}
	var callOpts []rpc.CallOption
	if cfg.Gzip {
		callOpts = append(callOpts, rpc.UseCompressor(rpcgzip.Name))
	}
	if cfg.MaxMsg > 0 {
		callOpts = append(callOpts, rpc.MaxCallRecvMsgSize(cfg.MaxMsg), rpc.MaxCallSendMsgSize(cfg.MaxMsg))
	}
	if len(callOpts) > 0 {
		opts = append(opts, rpc.WithDefaultCallOptions(callOpts...))
	}
	otel := cfg.otel()
	if otel != nil {
		opts = append(opts, otel.actorpcDial())
	}
	target := addrs[0]
	if cfg.RoundRobin {
		target = "static:///" + strings.Join(addrs, ",")
		opts = append(opts, rpc.WithDefaultServiceConfig(roundRobinConfig))
	}
	cc, err := rpc.NewClient(target, opts...)
	if err != nil {
		otel.shutdown()
		return nil, err
	}
	return actorpcClient{cc, otel}, nil
}

type actorpcClient struct {
	cc   *rpc.ClientConn
	otel *otelProviders // nil without Config.OTel
}

func (c actorpcClient) Unary(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	out := new(echopb.EchoResponse)
	if err := c.cc.Invoke(ctx, UnaryMethod, req, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (c actorpcClient) Bidi(ctx context.Context) (MsgStream, error) {
	return c.cc.NewStream(ctx, &echopb.Echo_ServiceDesc.Streams[2], BidiMethod)
}

func (c actorpcClient) ServerStream(ctx context.Context, count, size int) (MsgStream, error) {
	st, err := c.cc.NewStream(ctx, &actorpcBenchDesc.Streams[0], StreamMethod)
	if err != nil {
		return nil, err
	}
	if err := st.SendMsg(StreamRequest(count, size)); err != nil {
		return nil, err
	}
	if err := st.CloseSend(); err != nil {
		return nil, err
	}
	return st, nil
}

func (c actorpcClient) Close() {
	c.cc.Close()
	c.otel.shutdown()
}

// ---- grpc-go ----

// GRPCGo is google.golang.org/grpc with its defaults.
type GRPCGo struct{}

func (GRPCGo) Name() string { return "grpc-go" }

var grpcBenchDesc = grpc.ServiceDesc{
	ServiceName: "bench.Bench",
	HandlerType: (*benchService)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName:    "Stream",
		ServerStreams: true,
		Handler: func(_ any, stream grpc.ServerStream) error {
			req := new(echopb.EchoRequest)
			if err := stream.RecvMsg(req); err != nil {
				return err
			}
			return streamOut(req, stream.SendMsg)
		},
	}},
}

func (g GRPCGo) Serve() (*Server, error) { return g.ServeWith(Config{}) }

func (GRPCGo) ServeWith(cfg Config) (*Server, error) {
	var opts []grpc.ServerOption
	if cfg.TLS {
		p, err := TestPKI()
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.Creds(credentials.NewServerTLSFromCert(&p.Cert)))
	}
	if cfg.MaxMsg > 0 {
		opts = append(opts, grpc.MaxRecvMsgSize(cfg.MaxMsg), grpc.MaxSendMsgSize(cfg.MaxMsg))
	}
	otel := cfg.otel()
	if otel != nil {
		opts = append(opts, otel.grpcServer())
	}
	lis, err := listen()
	if err != nil {
		return nil, err
	}
	s := grpc.NewServer(opts...)
	grpcinterop.RegisterGRPCEchoServer(s, grpcinterop.GRPCEcho{})
	s.RegisterService(&grpcBenchDesc, benchImpl{})
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.Serve(lis)
	}()
	return &Server{Addr: lis.Addr().String(), stop: func() {
		s.Stop()
		<-served
		otel.shutdown()
	}}, nil
}

func (g GRPCGo) Dial(addr string) (Client, error) { return g.DialWith([]string{addr}, Config{}) }

func (GRPCGo) DialWith(addrs []string, cfg Config) (Client, error) {
	if len(addrs) == 0 {
		return nil, fmt.Errorf("grpc-go: no address to dial")
	}
	creds := insecure.NewCredentials()
	if cfg.TLS {
		p, err := TestPKI()
		if err != nil {
			return nil, err
		}
		creds = credentials.NewClientTLSFromCert(p.Pool, "")
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	var callOpts []grpc.CallOption
	if cfg.Gzip {
		callOpts = append(callOpts, grpc.UseCompressor(gzip.Name))
	}
	if cfg.MaxMsg > 0 {
		callOpts = append(callOpts, grpc.MaxCallRecvMsgSize(cfg.MaxMsg), grpc.MaxCallSendMsgSize(cfg.MaxMsg))
	}
	if len(callOpts) > 0 {
		opts = append(opts, grpc.WithDefaultCallOptions(callOpts...))
	}
	otel := cfg.otel()
	if otel != nil {
		opts = append(opts, otel.grpcDial())
	}
	target := addrs[0]
	if cfg.RoundRobin {
		// A manual resolver per channel, holding the static list.
		r := manual.NewBuilderWithScheme("benchrr")
		state := resolver.State{}
		for _, a := range addrs {
			state.Addresses = append(state.Addresses, resolver.Address{Addr: a})
		}
		r.InitialState(state)
		target = r.Scheme() + ":///backends"
		opts = append(opts, grpc.WithResolvers(r), grpc.WithDefaultServiceConfig(roundRobinConfig))
	}
	cc, err := grpc.NewClient(target, opts...)
	if err != nil {
		otel.shutdown()
		return nil, err
	}
	return grpcClient{cc, otel}, nil
}

type grpcClient struct {
	cc   *grpc.ClientConn
	otel *otelProviders // nil without Config.OTel
}

func (c grpcClient) Unary(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	out := new(echopb.EchoResponse)
	if err := c.cc.Invoke(ctx, UnaryMethod, req, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (c grpcClient) Bidi(ctx context.Context) (MsgStream, error) {
	return c.cc.NewStream(ctx, &grpcinterop.GRPCEchoServiceDesc.Streams[2], BidiMethod)
}

func (c grpcClient) ServerStream(ctx context.Context, count, size int) (MsgStream, error) {
	st, err := c.cc.NewStream(ctx, &grpcBenchDesc.Streams[0], StreamMethod)
	if err != nil {
		return nil, err
	}
	if err := st.SendMsg(StreamRequest(count, size)); err != nil {
		return nil, err
	}
	if err := st.CloseSend(); err != nil {
		return nil, err
	}
	return st, nil
}

func (c grpcClient) Close() {
	c.cc.Close()
	c.otel.shutdown()
}
