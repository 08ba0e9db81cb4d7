package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// idleFig is the memory an idle connection and an idle open stream hold,
// both ends counted (this process is client and server).
type idleFig struct {
	ConnHeap         float64 `json:"conn_heap"`         // HeapInuse per connection
	ConnStack        float64 `json:"conn_stack"`        // StackInuse per connection
	ConnGoroutines   float64 `json:"conn_goroutines"`   // goroutines per connection
	StreamHeap       float64 `json:"stream_heap"`       // HeapInuse per stream
	StreamStack      float64 `json:"stream_stack"`      // StackInuse per stream
	StreamGoroutines float64 `json:"stream_goroutines"` // goroutines per stream
}

type snapshot struct {
	heap, stack uint64
	goroutines  int
}

// beforeStreams, if set, runs once the idle connections are closed and
// the heap settled, just before the idle streams open: memChild writes the
// base heap profile there, so that pprof -diff_base shows what the streams
// alone hold.
var beforeStreams func() error

// settleWait is how long settle lets goroutines on their way out end.
var settleWait = 100 * time.Millisecond

// settle lets goroutines that are on their way out end, collects, and
// reads the heap.
func settle() snapshot {
	time.Sleep(settleWait)
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return snapshot{heap: m.HeapInuse, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
}

func perUnit(a, b uint64, n int) float64 { return (float64(b) - float64(a)) / float64(n) }

// measureIdle opens n connections (each with one call made, then idle),
// then n bidirectional streams on one more connection (each with one
// message echoed, then idle), and reports the growth divided by n.
// withConns, if set, runs while the idle connections are open, and
// withStreams while the idle streams are.
func measureIdle(st stacks.Stack, n int, withConns, withStreams func() error) (idleFig, error) {
	var fig idleFig
	s, err := startSession(st) // the server warmed up, and a first connection
	if err != nil {
		return fig, err
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &echopb.EchoRequest{Message: "x"}

	before := settle()
	clients := make([]stacks.Client, 0, n)
	closeClients := func() {
		for _, c := range clients {
			c.Close()
		}
		clients = clients[:0]
	}
	defer closeClients()
	for range n {
		c, err := st.Dial(s.srv.Addr)
		if err != nil {
			return fig, err
		}
		clients = append(clients, c)
		if _, err := c.Unary(ctx, req); err != nil {
			return fig, fmt.Errorf("connection %d: %w", len(clients), err)
		}
	}
	after := settle()
	fig.ConnHeap = perUnit(before.heap, after.heap, n)
	fig.ConnStack = perUnit(before.stack, after.stack, n)
	fig.ConnGoroutines = float64(after.goroutines-before.goroutines) / float64(n)
	if withConns != nil {
		if err := withConns(); err != nil {
			return fig, err
		}
	}
	closeClients()

	before = settle()
	if beforeStreams != nil {
		if err := beforeStreams(); err != nil {
			return fig, err
		}
	}
	streams := make([]stacks.MsgStream, 0, n)
	resp := new(echopb.EchoResponse)
	for range n {
		bs, err := s.cl.Bidi(ctx)
		if err != nil {
			return fig, fmt.Errorf("stream %d: %w", len(streams), err)
		}
		streams = append(streams, bs)
		if err := bs.SendMsg(req); err != nil {
			return fig, err
		}
		if err := bs.RecvMsg(resp); err != nil {
			return fig, err
		}
	}
	after = settle()
	fig.StreamHeap = perUnit(before.heap, after.heap, n)
	fig.StreamStack = perUnit(before.stack, after.stack, n)
	fig.StreamGoroutines = float64(after.goroutines-before.goroutines) / float64(n)
	if withStreams != nil {
		if err := withStreams(); err != nil {
			return fig, err
		}
	}
	for i, bs := range streams {
		if err := finishStream(bs, resp); err != nil {
			return fig, fmt.Errorf("closing stream %d: %w", i, err)
		}
	}
	return fig, nil
}
