package health

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// serve runs an actorpc server with hs registered and returns a client of
// it; both end with the test.
func serve(t *testing.T, hs *Server) healthpb.HealthClient {
	t.Helper()
	c, _ := serveStoppable(t, hs)
	return c
}

// serveStoppable is serve, with a function that stops the server early.
func serveStoppable(t *testing.T, hs *Server) (healthpb.HealthClient, func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := rpc.NewServer()
	healthpb.RegisterHealthServer(s, hs)
	served := make(chan struct{})
	go func() { defer close(served); s.Serve(lis) }()
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	stop := sync.OnceFunc(func() {
		s.Stop()
		<-served
	})
	t.Cleanup(func() {
		cc.Close()
		stop()
	})
	return healthpb.NewHealthClient(cc), stop
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitParked waits until the health actor has ended and parked its state:
// no goroutine is left behind by a server nobody watches.
func waitParked(t *testing.T, hs *Server) {
	t.Helper()
	require.Eventually(t, func() bool { return len(hs.parked) == 1 }, 5*time.Second, time.Millisecond,
		"the health actor is still running with no watcher")
}

// blockedStream is a Watch stream whose Send blocks until release is
// closed: a client that does not read. It records what it sent.
type blockedStream struct {
	ctx     context.Context
	entered chan struct{} // room for one: told when Send is first called
	release chan struct{}
	sent    chan healthpb.HealthCheckResponse_ServingStatus // room for every send the test makes
}

func newBlockedStream(ctx context.Context) *blockedStream {
	return &blockedStream{ctx: ctx, entered: make(chan struct{}, 1), release: make(chan struct{}),
		sent: make(chan healthpb.HealthCheckResponse_ServingStatus, 16)}
}

func (b *blockedStream) Send(m *healthpb.HealthCheckResponse) error {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
	b.sent <- m.GetStatus()
	return nil
}

func (b *blockedStream) SetHeader(metadata.MD) error  { return nil }
func (b *blockedStream) SendHeader(metadata.MD) error { return nil }
func (b *blockedStream) SetTrailer(metadata.MD)       {}
func (b *blockedStream) Context() context.Context     { return b.ctx }
func (b *blockedStream) SendMsg(any) error            { return nil }
func (b *blockedStream) RecvMsg(any) error            { return nil }

var _ rpc.ServerStreamingServer[healthpb.HealthCheckResponse] = (*blockedStream)(nil)
