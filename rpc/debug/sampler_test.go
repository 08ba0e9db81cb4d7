package debug

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/actors"
)

// The sampler is driven by hand here (begin, sample at chosen instants):
// what it computes from two samples does not depend on how fast the
// machine is.
func TestSamplerShowsBothTreesWithRates(t *testing.T) {
	p := newEchoPair(t)
	s := newSampler([]Root{Server(p.srv), p.cc})
	ctx := context.Background()
	t0 := time.Now()
	s.begin(t0)
	s.sample(ctx, t0)
	first := s.last
	for _, kind := range []string{"server", "connection", "reader", "writer", "stream", "channel", "subchannel"} {
		require.NotEmpty(t, find(first.Roots, kind), "kind %s in %+v", kind, first.Roots)
	}
	require.Len(t, first.Roots, 2)
	require.Equal(t, "server", first.Roots[0].Kind)
	require.Equal(t, "channel", first.Roots[1].Kind)
	// servers -> connections -> streams; channels -> subchannels -> connections -> streams
	require.Equal(t, "connection", first.Roots[0].Children[0].Kind)
	require.Equal(t, "subchannel", first.Roots[1].Children[0].Kind)
	require.Equal(t, "connection", first.Roots[1].Children[0].Children[0].Kind)
	require.NotEmpty(t, find(first.Roots[1].Children[0].Children, "stream"))
	require.Positive(t, first.Live)

	srv := first.Roots[0]
	require.NotNil(t, srv.Mailbox)
	require.Positive(t, srv.Mailbox.Capacity)
	require.NotNil(t, srv.In)
	require.Nil(t, srv.InRate, "one sample gives no rate")
	conn := find(first.Roots, "connection")[0]
	require.NotNil(t, conn.Mailbox)
	require.Positive(t, *conn.In, "frames came in")
	require.Positive(t, *conn.Out, "ops went to the writer")
	require.False(t, conn.AgeAtLeast, "a connection keeps its own age")
	stream := find(first.Roots, "stream")[0]
	require.True(t, stream.AgeAtLeast, "a stream was there before the watch began")
	require.Nil(t, stream.In, "a stream keeps no tally")

	for range 5 {
		p.unary(t)
	}
	s.sample(ctx, t0.Add(2*time.Second))
	second := s.last
	ch := second.Roots[1]
	require.Equal(t, first.Roots[1].ID, ch.ID, "an actor keeps its id")
	require.NotNil(t, ch.InRate)
	require.GreaterOrEqual(t, *ch.InRate, 2.5, "5 picks in 2 s")
	require.GreaterOrEqual(t, *ch.OutRate, 2.5, "5 answers in 2 s")
	var busy bool
	for _, c := range find(second.Roots, "connection") {
		busy = busy || (c.InRate != nil && *c.InRate > 0 && *c.OutRate > 0)
	}
	require.True(t, busy, "the connections carried the calls")

	body, err := json.Marshal(second)
	require.NoError(t, err)
	require.NotContains(t, string(body), secretMetadata)
	require.NotContains(t, string(body), secretPayload)
}

// The rates look back over the window only.
func TestTrackRatesOverWindow(t *testing.T) {
	var tr track
	t0 := time.Now()
	in, out := tr.rates()
	require.Nil(t, in)
	require.Nil(t, out)
	for i := range 21 {
		tr.add(sample{at: t0.Add(time.Duration(i) * time.Second), in: uint64(i * i), out: uint64(i)})
	}
	require.Len(t, tr.samples, 11, "the window and the sample at its edge")
	in, out = tr.rates()
	require.InDelta(t, float64(20*20-10*10)/10, *in, 1e-9)
	require.InDelta(t, 1, *out, 1e-9)
}

// fakeParent is an actor that lists children it is told of, and answers
// with typed facts: enough to show how the page treats any tree.
type fakeParent struct {
	probe chan chan<- actors.Report
	set   chan []*actors.Ref
}

type windows struct {
	SendWindow int64 `json:"send_window"`
	RecvWindow int64 `json:"recv_window"`
	Streams    []struct {
		ID         uint32 `json:"id"`
		RecvWindow int64  `json:"recv_window"`
	} `json:"streams"`
}

func spawnFakeParent(t *testing.T, facts windows) (*actors.Ref, *fakeParent) {
	f := &fakeParent{probe: make(chan chan<- actors.Report), set: make(chan []*actors.Ref)}
	ref := actors.Spawn(context.Background(), "conn/fake", func(ctx context.Context) error {
		var kids []*actors.Ref
		counts := actors.StartCounts()
		for {
			select {
			case kids = <-f.set:
				counts.In++
			case reply := <-f.probe:
				actors.Answer(reply, actors.Report{State: "fake", Stats: facts, Counts: counts, Children: kids})
			case <-ctx.Done():
				return nil
			}
		}
	}, actors.WithProbe(f.probe))
	t.Cleanup(func() { ref.Stop(); <-ref.Done() })
	return ref, f
}

type refRoot struct{ ref *actors.Ref }

func (r refRoot) Inspect(ctx context.Context) actors.Info { return r.ref.Inspect(ctx) }

// An actor its parent no longer lists goes in the ring once it has ended,
// with its exit reason; the ring keeps the newest endedRing.
func TestEndedActorsRing(t *testing.T) {
	parent, f := spawnFakeParent(t, windows{})
	boom := errors.New("boom: the peer went away")
	stop := make(chan struct{})
	child := actors.Spawn(context.Background(), "handler", func(context.Context) error { <-stop; return boom })
	f.set <- []*actors.Ref{child}
	s := newSampler([]Root{refRoot{parent}})
	ctx := context.Background()
	t0 := time.Now()
	s.begin(t0)
	s.sample(ctx, t0)
	require.Len(t, find(s.last.Roots, "stream"), 1)

	f.set <- nil // no longer listed, still running: watched, not ended
	s.sample(ctx, t0.Add(time.Second))
	require.Empty(t, s.last.Ended)
	require.Len(t, s.gone, 1)

	close(stop)
	<-child.Done()
	s.sample(ctx, t0.Add(2*time.Second))
	require.Len(t, s.last.Ended, 1)
	e := s.last.Ended[0]
	require.Equal(t, "stream", e.Kind)
	require.Equal(t, "handler", e.Name)
	require.Equal(t, "conn/fake", e.Parent)
	require.Equal(t, boom.Error(), e.Reason)
	require.Empty(t, s.gone)

	// Bounded: the oldest go first.
	for i := range endedRing + 5 {
		c := actors.Spawn(context.Background(), "stream/client", func(context.Context) error { return nil })
		<-c.Done()
		f.set <- []*actors.Ref{c} // listed though ended: recorded at once
		s.sample(ctx, t0.Add(time.Duration(3+i)*time.Second))
	}
	require.Len(t, s.last.Ended, endedRing)
	require.Equal(t, "finished", s.last.Ended[0].Reason)
	require.NotEqual(t, e.ID, s.last.Ended[endedRing-1].ID, "the first one was pushed out")
}

// An actor's typed facts (a connection's windows, say) appear as JSON,
// whatever their type.
func TestStatsAsJSON(t *testing.T) {
	facts := windows{SendWindow: 65535, RecvWindow: 1 << 20}
	facts.Streams = append(facts.Streams, struct {
		ID         uint32 `json:"id"`
		RecvWindow int64  `json:"recv_window"`
	}{ID: 1, RecvWindow: 4096})
	parent, _ := spawnFakeParent(t, facts)
	s := newSampler([]Root{refRoot{parent}})
	now := time.Now()
	s.begin(now)
	s.sample(context.Background(), now)
	n := s.last.Roots[0]
	require.Equal(t, "connection", n.Kind)
	require.JSONEq(t, `{"send_window":65535,"recv_window":1048576,"streams":[{"id":1,"recv_window":4096}]}`, string(n.Stats))
	require.True(t, strings.HasSuffix(n.StatsType, "windows"))
}

func TestKindOf(t *testing.T) {
	for name, kind := range map[string]string{
		"server":                             "server",
		"channel/dns:///localhost:50051":     "channel",
		"subchannel/127.0.0.1:50051":         "subchannel",
		"conn/server 127.0.0.1:1234":         "connection",
		"conn/server 127.0.0.1:1234/reader":  "reader",
		"conn/client 127.0.0.1:50051/writer": "writer",
		"handler":                            "stream",
		"stream/client":                      "stream",
		"dns resolver dns:///x:1":            "resolver",
		"health-watch/127.0.0.1:1":           "health watch",
		"debug sampler":                      "debug",
	} {
		require.Equal(t, kind, kindOf(name), name)
	}
}
