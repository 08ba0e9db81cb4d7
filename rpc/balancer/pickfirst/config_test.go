package pickfirst

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer/balancertest"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		raw     string
		want    config
		wantErr bool
	}{
		{"", config{}, false},
		{"null", config{}, false},
		{"{}", config{}, false},
		{`{"shuffleAddressList": true}`, config{ShuffleAddressList: true}, false},
		{`{"shuffleAddressList": false, "futureField": 1}`, config{}, false},
		{`{"shuffleAddressList": "yes"}`, config{}, true},
		{`[`, config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := parseConfig(json.RawMessage(tc.raw))
			if tc.wantErr {
				assert.ErrorContains(t, err, "pick_first: invalid config")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestInvalidConfigWithNothingRunning(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	s := balancertest.Resolved("a:1")
	s.BalancerConfig = json.RawMessage(`{"shuffleAddressList": 3}`)
	err := b.UpdateClientConnState(s)
	assert.ErrorContains(t, err, "pick_first: invalid config")
	assert.Equal(t, tf, cc.LastState().ConnectivityState)
	assert.Empty(t, cc.SubConns)
}

func TestInvalidConfigKeepsTheReadyBackend(t *testing.T) {
	cc, b := balancertest.Build(t, Name)
	balancertest.Resolve(t, b, "a:1")
	cc.SubConn("a:1").Ready()
	s := balancertest.Resolved("b:1")
	s.BalancerConfig = json.RawMessage(`[`)
	assert.Error(t, b.UpdateClientConnState(s))
	assert.Equal(t, "a:1", cc.Picked())
	assert.Len(t, cc.SubConns, 1)
}

// triedOrder lets every address fail and returns the order they were tried.
func triedOrder(t *testing.T, cfg string, addrs []string) []string {
	cc, b := balancertest.Build(t, Name)
	s := balancertest.Resolved(addrs...)
	s.BalancerConfig = json.RawMessage(cfg)
	require.NoError(t, b.UpdateClientConnState(s))
	for range addrs {
		cc.SubConn(cc.Connects[len(cc.Connects)-1]).Fail(errors.New("refused"))
	}
	require.Equal(t, tf, cc.LastState().ConnectivityState)
	return cc.Connects[:len(addrs)]
}

func TestShuffleKeepsTheSet(t *testing.T) {
	addrs := []string{"a:1", "b:1", "c:1", "d:1", "e:1", "f:1", "g:1", "h:1"}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

	assert.Equal(t, addrs, triedOrder(t, `{"shuffleAddressList": false}`, addrs), "no shuffle keeps the order")

	reordered := false
	for range 20 {
		got := triedOrder(t, `{"shuffleAddressList": true}`, addrs)
		assert.Equal(t, addrs, sorted(got), "a shuffle tries every address exactly once")
		reordered = reordered || !slices.Equal(got, addrs)
	}
	assert.True(t, reordered, "20 shuffles of 8 addresses all kept the order")
}

// TestShuffleUsesTheShuffler pins the order with a shuffle that reverses.
func TestShuffleUsesTheShuffler(t *testing.T) {
	cc := balancertest.NewClientConn(t)
	b := newPickFirst(cc, func(n int, swap func(i, j int)) {
		for i := range n / 2 {
			swap(i, n-1-i)
		}
	})
	cc.Balancer = b
	defer b.Close()
	s := balancertest.Resolved("a:1", "b:1", "c:1")
	s.BalancerConfig = json.RawMessage(`{"shuffleAddressList": true}`)
	require.NoError(t, b.UpdateClientConnState(s))
	assert.Equal(t, []string{"c:1"}, cc.Connects)
	assert.Equal(t, "a:1", s.ResolverState.Addresses[0].Addr, "the resolver's slice is not reordered")
}
