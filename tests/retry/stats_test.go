package retry

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/stats"
)

// attemptRecorder keeps the Begin and End of every attempt a client makes.
type attemptRecorder struct {
	mu     sync.Mutex
	begins []*stats.Begin
	ends   []*stats.End
}

func (r *attemptRecorder) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (r *attemptRecorder) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (r *attemptRecorder) HandleConn(context.Context, stats.ConnStats) {}

func (r *attemptRecorder) HandleRPC(_ context.Context, ev stats.RPCStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *stats.Begin:
		r.begins = append(r.begins, ev)
	case *stats.End:
		r.ends = append(r.ends, ev)
	}
}

// TestStatsTransparentRetryAttempt: the stats handler sees each attempt,
// and the transparent retry is marked as one.
func TestStatsTransparentRetryAttempt(t *testing.T) {
	s := startRefusingServer(t, 1)
	rec := &attemptRecorder{}
	cc := dial(t, s.addr(), rpc.WithStatsHandler(rec))
	if _, err := echopb.NewEchoClient(cc).UnaryEcho(callContext(t, 10*time.Second), &echopb.EchoRequest{Message: "refused once"}); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.begins) != 2 || len(rec.ends) != 2 {
		t.Fatalf("%d Begin and %d End, want 2 of each (the refused attempt, its transparent retry)", len(rec.begins), len(rec.ends))
	}
	if rec.begins[0].IsTransparentRetryAttempt || !rec.begins[1].IsTransparentRetryAttempt {
		t.Errorf("IsTransparentRetryAttempt = %t, %t; want false, true", rec.begins[0].IsTransparentRetryAttempt, rec.begins[1].IsTransparentRetryAttempt)
	}
	if rec.ends[0].Error == nil || rec.ends[1].Error != nil {
		t.Errorf("the attempts ended with %v, %v; want the refusal, then success", rec.ends[0].Error, rec.ends[1].Error)
	}
}
