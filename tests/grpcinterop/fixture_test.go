package grpcinterop

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	grpcmd "google.golang.org/grpc/metadata"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	rpcinsecure "github.com/actorpc/actorpc/rpc/credentials/insecure"
	rpcmd "github.com/actorpc/actorpc/rpc/metadata"
)

// failsafe bounds every wait, so that a bug fails a test instead of hanging
// the run. Nothing waits for it to pass.
const failsafe = 10 * time.Second

// callIDKey is request metadata naming a call, so that a test can wait
// for that call's handler to return (see handlerLog).
const callIDKey = "test-call-id"

// handlerLog records, for each call carrying callIDKey, the error of the
// handler's context at the moment the handler returned. Servers fill it
// from an interceptor.
type handlerLog struct {
	mu    sync.Mutex
	ended map[string]chan struct{}
	errs  map[string]error
}

func newHandlerLog() *handlerLog {
	return &handlerLog{ended: map[string]chan struct{}{}, errs: map[string]error{}}
}

func (l *handlerLog) chanLocked(id string) chan struct{} {
	ch, ok := l.ended[id]
	if !ok {
		ch = make(chan struct{})
		l.ended[id] = ch
	}
	return ch
}

// record notes that the handler of the call named ids returned while its
// context had ctxErr.
func (l *handlerLog) record(ids []string, ctxErr error) {
	if len(ids) != 1 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := l.chanLocked(ids[0])
	select {
	case <-ch:
		return // recorded already
	default:
	}
	l.errs[ids[0]] = ctxErr
	close(ch)
}

// wait waits (bounded) for the handler of call id to return, and returns
// its context's error at that moment.
func (l *handlerLog) wait(t *testing.T, id string) error {
	t.Helper()
	l.mu.Lock()
	ch := l.chanLocked(id)
	l.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(failsafe):
		require.FailNowf(t, "handler still running", "the handler of call %q did not return within %v", id, failsafe)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errs[id]
}

// startActorpcServer serves echoserver on an actorpc server on a loopback
// port until the test ends, and returns its address.
func startActorpcServer(t *testing.T, log *handlerLog) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer(
		rpc.UnaryInterceptor(func(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
			resp, err := handler(ctx, req)
			log.record(rpcmd.ValueFromIncomingContext(ctx, callIDKey), ctx.Err())
			return resp, err
		}),
		rpc.StreamInterceptor(func(srv any, ss rpc.ServerStream, _ *rpc.StreamServerInfo, handler rpc.StreamHandler) error {
			err := handler(srv, ss)
			log.record(rpcmd.ValueFromIncomingContext(ss.Context(), callIDKey), ss.Context().Err())
			return err
		}),
	)
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		select {
		case err := <-served:
			assert.NoError(t, err, "actorpc Serve after Stop")
		case <-time.After(failsafe):
			assert.Fail(t, "actorpc Serve did not return after Stop")
		}
	})
	return lis.Addr().String()
}

// startGRPCServer serves GRPCEcho on a grpc-go server on a loopback port
// until the test ends, and returns its address.
func startGRPCServer(t *testing.T, log *handlerLog) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			resp, err := handler(ctx, req)
			log.record(grpcmd.ValueFromIncomingContext(ctx, callIDKey), ctx.Err())
			return resp, err
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			err := handler(srv, ss)
			log.record(grpcmd.ValueFromIncomingContext(ss.Context(), callIDKey), ss.Context().Err())
			return err
		}),
	)
	RegisterGRPCEchoServer(srv, GRPCEcho{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		select {
		case err := <-served:
			assert.NoError(t, err, "grpc-go Serve after Stop")
		case <-time.After(failsafe):
			assert.Fail(t, "grpc-go Serve did not return after Stop")
		}
	})
	return lis.Addr().String()
}

// newGRPCClient is a grpc-go echo client for addr, closed when the test
// ends. The passthrough scheme keeps name resolution out of the test.
func newGRPCClient(t *testing.T, addr string) GRPCEchoClient {
	t.Helper()
	return NewGRPCEchoClient(newGRPCConn(t, addr))
}

// newGRPCConn is a grpc-go client connection to addr, closed when the test
// ends.
func newGRPCConn(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, cc.Close(), "grpc-go ClientConn.Close") })
	return cc
}

// newActorpcClient is an actorpc echo client for addr, closed when the
// test ends.
func newActorpcClient(t *testing.T, addr string) echopb.EchoClient {
	t.Helper()
	cc, err := rpc.NewClient(addr, rpc.WithTransportCredentials(rpcinsecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, cc.Close(), "actorpc ClientConn.Close") })
	return echopb.NewEchoClient(cc)
}

// fixture is one direction of interop: a client of one implementation
// calling a server of the other.
type fixture struct {
	client driver
	log    *handlerLog // the server's handler log
	addr   string
}

// directions are the two interop directions every shared test runs in.
var directions = []struct {
	name  string
	start func(t *testing.T) *fixture
}{
	{"grpcgo-client-to-actorpc-server", func(t *testing.T) *fixture {
		log := newHandlerLog()
		addr := startActorpcServer(t, log)
		return &fixture{client: grpcDriver{newGRPCClient(t, addr)}, log: log, addr: addr}
	}},
	{"actorpc-client-to-grpcgo-server", func(t *testing.T) *fixture {
		log := newHandlerLog()
		addr := startGRPCServer(t, log)
		return &fixture{client: actorpcDriver{newActorpcClient(t, addr)}, log: log, addr: addr}
	}},
}

// eachDirection runs test once per interop direction, as subtests.
func eachDirection(t *testing.T, test func(t *testing.T, f *fixture)) {
	for _, d := range directions {
		t.Run(d.name, func(t *testing.T) { test(t, d.start(t)) })
	}
}

// callContext is a context for one call, bounded by failsafe.
func callContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), failsafe)
	t.Cleanup(cancel)
	return ctx
}
