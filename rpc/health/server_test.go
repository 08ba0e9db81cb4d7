package health

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/status"
)

const (
	serving        = healthpb.HealthCheckResponse_SERVING
	notServing     = healthpb.HealthCheckResponse_NOT_SERVING
	serviceUnknown = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
)

func check(t *testing.T, c healthpb.HealthClient, service string) (healthpb.HealthCheckResponse_ServingStatus, codes.Code) {
	t.Helper()
	resp, err := c.Check(testContext(t), &healthpb.HealthCheckRequest{Service: service})
	return resp.GetStatus(), status.Code(err)
}

func TestCheck(t *testing.T) {
	hs := NewServer()
	c := serve(t, hs)

	st, code := check(t, c, "")
	assert.Equal(t, codes.OK, code)
	assert.Equal(t, serving, st, "the server as a whole is SERVING from the start")

	_, err := c.Check(testContext(t), &healthpb.HealthCheckRequest{Service: "no.such.Service"})
	assert.Equal(t, codes.NotFound, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "unknown service")

	hs.SetServingStatus("pkg.A", notServing)
	st, code = check(t, c, "pkg.A")
	assert.Equal(t, codes.OK, code)
	assert.Equal(t, notServing, st)

	hs.SetServingStatus("pkg.A", serving)
	st, _ = check(t, c, "pkg.A")
	assert.Equal(t, serving, st)
	waitParked(t, hs)
}

func TestList(t *testing.T) {
	hs := NewServer()
	c := serve(t, hs)
	hs.SetServingStatus("pkg.A", notServing)
	hs.SetServingStatus("pkg.B", serving)

	resp, err := c.List(testContext(t), &healthpb.HealthListRequest{})
	require.NoError(t, err)
	got := map[string]healthpb.HealthCheckResponse_ServingStatus{}
	for name, r := range resp.GetStatuses() {
		got[name] = r.GetStatus()
	}
	assert.Equal(t, map[string]healthpb.HealthCheckResponse_ServingStatus{"": serving, "pkg.A": notServing, "pkg.B": serving}, got)

	// 100 services in all is the limit; one more is refused.
	for i := len(got); i < maxListedServices; i++ {
		hs.SetServingStatus(fmt.Sprintf("pkg.S%d", i), serving)
	}
	resp, err = c.List(testContext(t), &healthpb.HealthListRequest{})
	require.NoError(t, err)
	assert.Len(t, resp.GetStatuses(), maxListedServices)
	hs.SetServingStatus("pkg.OneTooMany", serving)
	_, err = c.List(testContext(t), &healthpb.HealthListRequest{})
	assert.Equal(t, codes.ResourceExhausted, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "100")
}

func TestShutdownAndResume(t *testing.T) {
	hs := NewServer()
	c := serve(t, hs)
	hs.SetServingStatus("pkg.A", serving)
	hs.Shutdown()
	for _, svc := range []string{"", "pkg.A"} {
		st, _ := check(t, c, svc)
		assert.Equal(t, notServing, st, "service %q after Shutdown", svc)
	}
	hs.SetServingStatus("pkg.A", serving)
	hs.SetServingStatus("pkg.New", serving)
	st, _ := check(t, c, "pkg.A")
	assert.Equal(t, notServing, st, "SetServingStatus is ignored after Shutdown")
	_, code := check(t, c, "pkg.New")
	assert.Equal(t, codes.NotFound, code, "no service is added after Shutdown")

	hs.Resume()
	for _, svc := range []string{"", "pkg.A"} {
		st, _ := check(t, c, svc)
		assert.Equal(t, serving, st, "service %q after Resume", svc)
	}
	hs.SetServingStatus("pkg.A", notServing)
	st, _ = check(t, c, "pkg.A")
	assert.Equal(t, notServing, st, "SetServingStatus works again after Resume")
}

func TestWatch(t *testing.T) {
	hs := NewServer()
	c := serve(t, hs)
	ctx, cancel := context.WithCancel(testContext(t))
	w, err := c.Watch(ctx, &healthpb.HealthCheckRequest{Service: "pkg.A"})
	require.NoError(t, err)
	recv := func() healthpb.HealthCheckResponse_ServingStatus {
		t.Helper()
		resp, err := w.Recv()
		require.NoError(t, err)
		return resp.GetStatus()
	}
	assert.Equal(t, serviceUnknown, recv(), "an unknown service is SERVICE_UNKNOWN, and the watch goes on")

	hs.SetServingStatus("pkg.A", serving)
	assert.Equal(t, serving, recv())
	hs.SetServingStatus("pkg.A", serving) // no change: nothing is sent
	hs.SetServingStatus("pkg.B", notServing)
	hs.SetServingStatus("pkg.A", notServing)
	assert.Equal(t, notServing, recv(), "only changes of the watched service are sent")

	hs.Shutdown()
	hs.Resume()
	// NOT_SERVING -> (Shutdown: no change) -> SERVING.
	assert.Equal(t, serving, recv())

	cancel()
	_, err = w.Recv()
	assert.Equal(t, codes.Canceled, status.Code(err))
	waitParked(t, hs)
}

func TestWatchStartsWithCurrentStatus(t *testing.T) {
	hs := NewServer()
	c := serve(t, hs)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	w, err := c.Watch(ctx, &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	resp, err := w.Recv()
	require.NoError(t, err)
	assert.Equal(t, serving, resp.GetStatus())
}

func TestWatchEndsWhenTheServerStops(t *testing.T) {
	hs := NewServer()
	c, stop := serveStoppable(t, hs)
	w, err := c.Watch(testContext(t), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	_, err = w.Recv()
	require.NoError(t, err)
	stop()
	_, err = w.Recv()
	assert.Error(t, err)
	waitParked(t, hs)
}

// TestSlowWatcherBlocksNobody: a watcher whose client never reads must not
// hold SetServingStatus, Check or other watchers up, and it is sent the
// newest status when it reads again, not a backlog.
func TestSlowWatcherBlocksNobody(t *testing.T) {
	const final = healthpb.HealthCheckResponse_UNKNOWN // set only once, last
	hs := NewServer()
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	slow := newBlockedStream(ctx)
	slowDone := make(chan error, 1)
	go func() { slowDone <- hs.Watch(&healthpb.HealthCheckRequest{Service: "pkg.A"}, slow) }()
	<-slow.entered // blocked sending its first status, SERVICE_UNKNOWN

	fast := newBlockedStream(ctx)
	close(fast.release)
	fastDone := make(chan error, 1)
	go func() { fastDone <- hs.Watch(&healthpb.HealthCheckRequest{Service: "pkg.A"}, fast) }()
	assert.Equal(t, serviceUnknown, <-fast.sent)
	fastSeen := make(chan int)
	go func() {
		n := 0
		for st := range fast.sent {
			n++
			if st == final {
				fastSeen <- n
				return
			}
		}
	}()

	setsDone := make(chan struct{})
	go func() {
		defer close(setsDone)
		for i := range 10000 {
			hs.SetServingStatus("pkg.A", healthpb.HealthCheckResponse_ServingStatus(1+i%2))
		}
		hs.SetServingStatus("pkg.A", final)
	}()
	select {
	case <-setsDone:
	case <-time.After(5 * time.Second):
		t.Fatal("SetServingStatus blocked behind a watcher that does not read")
	}
	st, code := check(t, serve(t, hs), "pkg.A")
	assert.Equal(t, codes.OK, code)
	assert.Equal(t, final, st)
	select {
	case n := <-fastSeen:
		assert.Positive(t, n, "the reading watcher got the final status")
	case <-time.After(5 * time.Second):
		t.Fatal("the reading watcher did not get the final status while another watcher was stuck")
	}

	// The slow one was stuck in its first Send; when its client reads
	// again it gets that message and then the newest status only.
	close(slow.release)
	assert.Equal(t, serviceUnknown, <-slow.sent)
	assert.Equal(t, final, <-slow.sent)
	cancel()
	assert.Equal(t, codes.Canceled, status.Code(<-slowDone))
	assert.Equal(t, codes.Canceled, status.Code(<-fastDone))
	assert.Empty(t, slow.sent, "no backlog of intermediate statuses")
	waitParked(t, hs)
}

func TestUnusedServerHoldsNoGoroutine(t *testing.T) {
	hs := NewServer()
	assert.Len(t, hs.parked, 1)
	hs.SetServingStatus("pkg.A", serving)
	waitParked(t, hs)
}
