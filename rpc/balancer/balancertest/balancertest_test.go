package balancertest

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// recorder is a balancer that only records what it is told, and refuses
// every resolver update with refuse when it is set.
type recorder struct {
	got      []balancer.SubConnState
	resolved []balancer.ClientConnState
	refuse   error
}

func (r *recorder) UpdateClientConnState(s balancer.ClientConnState) error {
	r.resolved = append(r.resolved, s)
	return r.refuse
}
func (r *recorder) ResolverError(error) {}
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

func TestResolve(t *testing.T) {
	rec := &recorder{}
	Resolve(t, rec, "a:1", "b:1")
	assert.Equal(t, []balancer.ClientConnState{Resolved("a:1", "b:1")}, rec.resolved)

	rec.refuse = errors.New("bad config")
	msg := fatal(func(tb testing.TB) { Resolve(tb, rec, "c:1") })
	assert.Equal(t, "balancertest: the balancer refused [c:1]: bad config", msg)
}

func TestConnectivityStates(t *testing.T) {
	cc := NewClientConn(t)
	assert.Empty(t, cc.ConnectivityStates())
	down := balancer.ErrPicker(errors.New("down"))
	cc.UpdateState(balancer.State{ConnectivityState: connectivity.Connecting, Picker: down})
	cc.UpdateState(balancer.State{ConnectivityState: connectivity.TransientFailure, Picker: down})
	assert.Equal(t, []connectivity.State{connectivity.Connecting, connectivity.TransientFailure}, cc.ConnectivityStates())
}

func TestPickedAndPickErr(t *testing.T) {
	cc := NewClientConn(t)
	a, err := cc.NewSubConn(resolver.Address{Addr: "a:1"})
	require.NoError(t, err)
	cc.UpdateState(balancer.State{ConnectivityState: connectivity.Ready, Picker: fixedPicker{a}})
	assert.Equal(t, "a:1", cc.Picked())
	assert.Equal(t, "balancertest: the pick succeeded (a:1), want an error",
		fatal(func(tb testing.TB) { reporting(cc, tb).PickErr() }))

	cc.UpdateState(balancer.State{ConnectivityState: connectivity.Connecting, Picker: balancer.ErrPicker(balancer.ErrNoSubConnAvailable)})
	assert.ErrorIs(t, cc.PickErr(), balancer.ErrNoSubConnAvailable)
	assert.Equal(t, "balancertest: pick failed: "+balancer.ErrNoSubConnAvailable.Error(),
		fatal(func(tb testing.TB) { reporting(cc, tb).Picked() }))
}

// reporting is a copy of cc that reports to tb.
func reporting(cc *ClientConn, tb testing.TB) *ClientConn {
	c := *cc
	c.t = tb
	return &c
}

// fatalTB stands in for a test that is expected to fail: it records the
// message of Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB // nil: only Helper and Fatalf may be called
	msg        string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatal runs fn with a fatalTB and returns what it failed with, "" if it
// did not.
func fatal(fn func(testing.TB)) string {
	tb := &fatalTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	return tb.msg
}
