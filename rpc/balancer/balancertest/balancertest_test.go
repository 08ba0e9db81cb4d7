package balancertest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// recorder is a balancer that only records the states it is told.
type recorder struct{ got []balancer.SubConnState }

func (r *recorder) UpdateClientConnState(balancer.ClientConnState) error { return nil }
func (r *recorder) ResolverError(error)                                  {}
func (r *recorder) UpdateSubConnState(_ balancer.SubConn, s balancer.SubConnState) {
	r.got = append(r.got, s)
}
func (r *recorder) ExitIdle() {}
func (r *recorder) Close()    {}

func TestFakeRecordsCalls(t *testing.T) {
	cc := NewClientConn(t)
	rec := &recorder{}
	cc.Balancer = rec

	a, err := cc.NewSubConn(resolver.Address{Addr: "a:1"})
	require.NoError(t, err)
	b, err := cc.NewSubConn(resolver.Address{Addr: "b:1"})
	require.NoError(t, err)
	b.Connect()
	a.Connect()
	a.Shutdown()
	cc.ResolveNow()
	cc.UpdateState(balancer.State{ConnectivityState: connectivity.Ready, Picker: fixedPicker{a}})

	assert.Equal(t, []string{"b:1", "a:1"}, cc.Connects)
	assert.Equal(t, []string{"a:1", "b:1"}, Addrs(cc.SubConns))
	assert.Equal(t, []string{"b:1"}, Addrs(cc.Live()))
	assert.Same(t, a, cc.SubConn("a:1"))
	assert.Equal(t, 1, cc.ResolveNowCount)
	assert.Equal(t, connectivity.Ready, cc.LastState().ConnectivityState)
	assert.Equal(t, map[string]int{"a:1": 3}, cc.PickCounts(cc.LastState().Picker, 3))

	cc.SubConn("b:1").Fail(errors.New("refused"))
	cc.SubConn("b:1").Idle()
	cc.SubConn("b:1").Ready()
	want := []connectivity.State{connectivity.Connecting, connectivity.TransientFailure, connectivity.Idle, connectivity.Connecting, connectivity.Ready}
	var got []connectivity.State
	for _, s := range rec.got {
		got = append(got, s.ConnectivityState)
	}
	assert.Equal(t, want, got)
	assert.EqualError(t, rec.got[1].ConnectionError, "refused")
}

func TestNewSubConnErr(t *testing.T) {
	cc := NewClientConn(t)
	cc.NewSubConnErr = errors.New("closing")
	_, err := cc.NewSubConn(resolver.Address{Addr: "a:1"})
	assert.EqualError(t, err, "closing")
	assert.Empty(t, cc.SubConns)
}

func TestResolved(t *testing.T) {
	s := Resolved("a:1", "b:1")
	assert.Equal(t, []resolver.Address{{Addr: "a:1"}, {Addr: "b:1"}}, s.ResolverState.Addresses)
	assert.Nil(t, s.BalancerConfig)
}

type fixedPicker struct{ sc balancer.SubConn }

func (p fixedPicker) Pick(balancer.PickInfo) (balancer.PickResult, error) {
	return balancer.PickResult{SubConn: p.sc}, nil
}
