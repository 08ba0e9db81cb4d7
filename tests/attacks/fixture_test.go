package attacks

import (
	"net"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
)

// serve runs the echo service on a loopback port with opts and returns
// its address; the server stops when the test ends.
func serve(t *testing.T, opts ...rpc.ServerOption) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := rpc.NewServer(opts...)
	echoserver.Register(s)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		require.NoError(t, <-served)
	})
	return lis.Addr().String()
}

const mib = 1 << 20

// heapInUse is the live heap after a full collection: what the process
// holds, not what it has yet to collect.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// heapGrowth tracks the heap against a baseline taken when it is made.
type heapGrowth struct{ base, peak int64 }

func newHeapGrowth() *heapGrowth { return &heapGrowth{base: heapInUse()} }

// sample measures the heap now and returns its growth over the baseline;
// the largest sample is kept as the peak.
func (h *heapGrowth) sample() int64 {
	g := heapInUse() - h.base
	h.peak = max(h.peak, g)
	return g
}

// requireBelow fails the test when the peak growth reached limit.
func (h *heapGrowth) requireBelow(t *testing.T, limit int64, what string) {
	t.Helper()
	t.Logf("%s: heap grew by %.1f MiB at most (bound %d MiB)", what, float64(h.peak)/mib, limit/mib)
	require.Less(t, h.peak, limit, "%s: the server's heap grew by %.1f MiB, bound %d MiB", what, float64(h.peak)/mib, limit/mib)
}
