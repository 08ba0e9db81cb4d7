package rpc_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

type greeter interface{ Greet() }

type greeterImpl struct{}

func (*greeterImpl) Greet() {}

func unaryHandler(srv any, ctx context.Context, dec func(any) error, _ rpc.UnaryServerInterceptor) (any, error) {
	return nil, status.Error(codes.AlreadyExists, "Hello's own handler")
}

func streamHandler(srv any, stream rpc.ServerStream) error { return nil }

func greeterDesc() *rpc.ServiceDesc {
	return &rpc.ServiceDesc{
		ServiceName: "test.Greeter",
		HandlerType: (*greeter)(nil),
		Methods:     []rpc.MethodDesc{{MethodName: "Hello", Handler: unaryHandler}},
		Streams:     []rpc.StreamDesc{{StreamName: "Chat", Handler: streamHandler, ServerStreams: true, ClientStreams: true}},
		Metadata:    "greeter.proto",
	}
}

func TestRegisterServiceRefusesWhatCannotRoute(t *testing.T) {
	cases := map[string]struct {
		desc func() *rpc.ServiceDesc
		impl any
		want string
	}{
		"nil implementation":   {greeterDesc, nil, `rpc: RegisterService("test.Greeter"): the implementation is nil`},
		"nil pointer":          {greeterDesc, (*greeterImpl)(nil), `rpc: RegisterService("test.Greeter"): the implementation is nil`},
		"wrong implementation": {greeterDesc, struct{}{}, `rpc: RegisterService("test.Greeter"): struct {} does not implement rpc_test.greeter`},
		"no service name": {func() *rpc.ServiceDesc {
			d := greeterDesc()
			d.ServiceName = ""
			return d
		}, &greeterImpl{}, "rpc: RegisterService: the ServiceDesc has no ServiceName"},
		"method twice": {func() *rpc.ServiceDesc {
			d := greeterDesc()
			d.Streams[0].StreamName = "Hello"
			return d
		}, &greeterImpl{}, `rpc: RegisterService("test.Greeter"): method "Hello" is described twice`},
		"stream neither way": {func() *rpc.ServiceDesc {
			d := greeterDesc()
			d.Streams[0].ClientStreams, d.Streams[0].ServerStreams = false, false
			return d
		}, &greeterImpl{}, `rpc: RegisterService("test.Greeter"): stream "Chat" streams neither way; a unary method belongs in Methods`},
		"no handler": {func() *rpc.ServiceDesc {
			d := greeterDesc()
			d.Methods[0].Handler = nil
			return d
		}, &greeterImpl{}, `rpc: RegisterService("test.Greeter"): method "Hello" has no handler`},
		"handler type not an interface pointer": {func() *rpc.ServiceDesc {
			d := greeterDesc()
			d.HandlerType = greeterImpl{}
			return d
		}, &greeterImpl{}, `rpc: RegisterService("test.Greeter"): HandlerType is rpc_test.greeterImpl, want a pointer to the service interface`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := rpc.NewServer()
			defer s.Stop()
			assert.PanicsWithValue(t, c.want, func() { s.RegisterService(c.desc(), c.impl) })
			assert.Empty(t, s.GetServiceInfo(), "a refused service must not be half registered")
		})
	}
}

func TestRegisterServiceTwiceAndAfterServe(t *testing.T) {
	s := rpc.NewServer()
	s.RegisterService(greeterDesc(), &greeterImpl{})
	assert.PanicsWithValue(t, `rpc: RegisterService: service "test.Greeter" registered twice`,
		func() { s.RegisterService(greeterDesc(), &greeterImpl{}) })

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	// Serve accepts only once the server actor has added its listener,
	// so the server's first bytes on a connection (its SETTINGS) prove
	// Serve got there. (A dial alone does not: the kernel completes it
	// before anyone calls Accept.)
	c, err := net.Dial("tcp", lis.Addr().String())
	require.NoError(t, err)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(c, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
	require.NoError(t, err)
	_, err = io.ReadFull(c, make([]byte, 9))
	require.NoError(t, err, "the server's SETTINGS")
	c.Close()
	other := greeterDesc()
	other.ServiceName = "test.Other"
	assert.PanicsWithValue(t, `rpc: RegisterService("test.Other") after Serve: register every service before serving`,
		func() { s.RegisterService(other, &greeterImpl{}) })
	s.Stop()
	require.NoError(t, <-served)
	assert.Panics(t, func() { s.RegisterService(other, &greeterImpl{}) }, "after Stop")
}

func TestGetServiceInfo(t *testing.T) {
	s := rpc.NewServer()
	defer s.Stop()
	s.RegisterService(greeterDesc(), &greeterImpl{})
	assert.Equal(t, map[string]rpc.ServiceInfo{"test.Greeter": {
		Methods: []rpc.MethodInfo{
			{Name: "Hello"},
			{Name: "Chat", IsClientStream: true, IsServerStream: true},
		},
		Metadata: "greeter.proto",
	}}, s.GetServiceInfo())
}

func TestUnknownServiceHandler(t *testing.T) {
	var seen []string
	s := rpc.NewServer(rpc.UnknownServiceHandler(func(srv any, stream rpc.ServerStream) error {
		method, ok := rpc.MethodFromServerStream(stream)
		if !ok {
			return status.Error(codes.Internal, "no method")
		}
		seen = append(seen, method)
		in := new(wrapperspb.StringValue)
		if err := stream.RecvMsg(in); err != nil {
			return err
		}
		if err := stream.SendMsg(wrapperspb.String(method + ":" + in.Value)); err != nil {
			return err
		}
		if err := stream.RecvMsg(in); err != io.EOF {
			return status.Errorf(codes.Internal, "want EOF, got %v", err)
		}
		return nil
	}))
	s.RegisterService(greeterDesc(), &greeterImpl{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	defer func() { s.Stop(); require.NoError(t, <-served) }()

	cc, err := rpc.NewClient("passthrough:///"+lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer cc.Close()
	out := new(wrapperspb.StringValue)
	err = cc.Invoke(context.Background(), "/some.Unknown/Thing", wrapperspb.String("hi"), out)
	require.NoError(t, err)
	assert.Equal(t, "/some.Unknown/Thing:hi", out.Value)
	// A registered method is still routed to its own handler.
	err = cc.Invoke(context.Background(), "/test.Greeter/Hello", wrapperspb.String("hi"), out)
	assert.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
	assert.Equal(t, []string{"/some.Unknown/Thing"}, seen)
}
