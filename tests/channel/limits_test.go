package channel

import (
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc"
)

// TestServerStreamLimitUnderLoad: a backend that takes one call at a time
// per connection (SETTINGS_MAX_CONCURRENT_STREAMS 1), 8 goroutines calling
// it through pick_first. The client keeps the calls above the limit
// waiting to open a stream, and opens the next one only once the last
// one has ended (its trailers arrived), so the server never has cause to
// refuse a stream: no call fails and none hangs.
func TestServerStreamLimitUnderLoad(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	a := startBackend(t, "a", "tcp", "127.0.0.1:0", rpc.MaxConcurrentStreams(1))
	_, client := newClient(t, a.addr)
	waitSeen(t, ctx, client, "a")

	l := startLoad(ctx, client, workers, callTimeout)
	defer l.stop()
	l.waitFor(t, ctx, "1000 calls", func(rs []result) bool { return len(rs) >= 1000 })
	rs := l.stop()
	checkNoHang(t, rs)
	failed := 0
	for _, r := range rs {
		if r.err != nil {
			if failed++; failed <= 5 {
				t.Errorf("call [%v, %v] failed: %v", r.start.Format("15:04:05.000000"), r.end.Format("15:04:05.000000"), r.err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d calls failed against a server that takes one call at a time: %s", failed, len(rs), summary(rs))
	}
}
