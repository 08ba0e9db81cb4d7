package roundrobin

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
)

func TestRegistered(t *testing.T) {
	b := balancer.Get("Round_Robin")
	require.NotNil(t, b, "round_robin is not registered")
	assert.Equal(t, "round_robin", b.Name())
}

func TestConnectsEveryAddressAtOnce(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	s := balancertest.Resolved("a:1", "b:1", "a:1", "c:1")
	s.ResolverState.Addresses[2].Network = "tcp" // the same backend, spelt out
	require.NoError(t, b.UpdateClientConnState(s))
	assert.Equal(t, []string{"a:1", "b:1", "c:1"}, cc.Connects, "one subchannel per distinct address")
	assert.Equal(t, []string{"a:1", "b:1", "c:1"}, balancertest.Addrs(cc.SubConns))
}

// TestEvenSpreadOverReady: calls go to the READY backends in turn and
// never to the others.
func TestEvenSpreadOverReady(t *testing.T) {
	tests := []struct {
		name   string
		ready  []string
		failed []string
		want   map[string]int
	}{
		{"three ready", []string{"a:1", "b:1", "c:1"}, nil, map[string]int{"a:1": 100, "b:1": 100, "c:1": 100}},
		{"one failed", []string{"a:1", "c:1"}, []string{"b:1"}, map[string]int{"a:1": 150, "c:1": 150}},
		{"one connecting", []string{"b:1", "c:1"}, nil, map[string]int{"b:1": 150, "c:1": 150}},
		{"one ready", []string{"c:1"}, []string{"a:1", "b:1"}, map[string]int{"c:1": 300}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc, b := balancertest.Build(t, Name)
			balancertest.Resolve(t, b, "a:1", "b:1", "c:1")
			for _, a := range tc.failed {
				cc.SubConn(a).Fail(errors.New("refused"))
			}
			for _, a := range tc.ready {
				cc.SubConn(a).Ready()
			}
			assert.Equal(t, ready, cc.LastState().ConnectivityState)
			assert.Equal(t, tc.want, cc.PickCounts(cc.LastState().Picker, 300))
		})
	}
}

// TestPickerTakesTurns: consecutive picks never hit the same backend twice
// in a row while others are READY.
func TestPickerTakesTurns(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1", "b:1", "c:1")
	for _, a := range []string{"a:1", "b:1", "c:1"} {
		cc.SubConn(a).Ready()
	}
	p := cc.LastState().Picker
	prev, _ := balancertest.Pick(p)
	for range 30 {
		got, err := balancertest.Pick(p)
		require.NoError(t, err)
		assert.NotEqual(t, prev, got)
		prev = got
	}
}

// TestPickerStartsAtRandom: many channels do not all send their first
// call to the first backend.
func TestPickerStartsAtRandom(t *testing.T) {
	firsts := map[string]bool{}
	for range 60 {
		cc := balancertest.NewClientConn(t)
		b := newRoundRobin(cc, rand.IntN)
		cc.Balancer = b
		balancertest.Resolve(t, b, "a:1", "b:1", "c:1")
		for _, a := range []string{"a:1", "b:1", "c:1"} {
			cc.SubConn(a).Ready()
		}
		first, err := balancertest.Pick(cc.LastState().Picker)
		require.NoError(t, err)
		firsts[first] = true
		b.Close()
	}
	assert.Len(t, firsts, 3, "60 pickers over 3 backends did not start on each")
}

// TestPickerStartsWhereRandIntNSays pins the start.
func TestPickerStartsWhereRandIntNSays(t *testing.T) {
	cc := balancertest.NewClientConn(t)
	var asked []int
	b := newRoundRobin(cc, func(n int) int { asked = append(asked, n); return n - 1 })
	cc.Balancer = b
	defer b.Close()
	balancertest.Resolve(t, b, "a:1", "b:1")
	cc.SubConn("a:1").Ready()
	cc.SubConn("b:1").Ready()
	assert.Equal(t, []int{1, 2}, asked)
	first, err := balancertest.Pick(cc.LastState().Picker)
	require.NoError(t, err)
	assert.Equal(t, "b:1", first)
}
