package rpc

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestChannelConnectivity: the channel's state through its life, event by
// event, the policy's aggregate included.
func TestChannelConnectivity(t *testing.T) {
	type step struct {
		event string
		do    func(c *channelConnectivity)
		want  connectivity.State
	}
	exitIdle := func(c *channelConnectivity) { c.exitedIdle = true }
	policy := func(s connectivity.State) func(c *channelConnectivity) {
		return func(c *channelConnectivity) { c.policyReported(s) }
	}
	failed := func(c *channelConnectivity) { c.firstResolutionFailed() }
	closeIt := func(c *channelConnectivity) { c.closed = true }
	cases := []struct {
		name  string
		steps []step
	}{
		{"idle until used", []step{
			{"new", func(*channelConnectivity) {}, connectivity.Idle},
			{"exit idle", exitIdle, connectivity.Connecting},
			{"policy connecting", policy(connectivity.Connecting), connectivity.Connecting},
			{"policy ready", policy(connectivity.Ready), connectivity.Ready},
			{"policy idle (GOAWAY)", policy(connectivity.Idle), connectivity.Idle},
			{"policy failure", policy(connectivity.TransientFailure), connectivity.TransientFailure},
			{"close", closeIt, connectivity.Shutdown},
			{"policy after close", policy(connectivity.Ready), connectivity.Shutdown},
		}},
		{"first resolution fails", []step{
			{"exit idle", exitIdle, connectivity.Connecting},
			{"resolver error", failed, connectivity.TransientFailure},
			{"a state at last: the policy decides", policy(connectivity.Connecting), connectivity.Connecting},
			{"policy ready", policy(connectivity.Ready), connectivity.Ready},
		}},
		{"closed while idle", []step{
			{"close", closeIt, connectivity.Shutdown},
			{"exit idle after close", exitIdle, connectivity.Shutdown},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c channelConnectivity
			for _, s := range tc.steps {
				s.do(&c)
				assert.Equal(t, s.want, c.state(), s.event)
			}
		})
	}
}

func TestTriagePick(t *testing.T) {
	resolveErr := errors.New("resolving \"x\": no such host")
	cases := []struct {
		name string
		f    pickFacts
		want pickVerdict
		code codes.Code
	}{
		{"abandoned", pickFacts{abandoned: true, closed: true, havePicker: true}, pickDrop, codes.OK},
		{"closing", pickFacts{closed: true, havePicker: true, waitForReady: true}, pickFail, codes.Canceled},
		{"closing beats a dead context", pickFacts{closed: true, ctxErr: context.Canceled}, pickFail, codes.Canceled},
		{"context canceled", pickFacts{ctxErr: context.Canceled, havePicker: true}, pickFail, codes.Canceled},
		{"deadline", pickFacts{ctxErr: context.DeadlineExceeded}, pickFail, codes.DeadlineExceeded},
		{"picker", pickFacts{havePicker: true, resolverErr: resolveErr}, pickRun, codes.OK},
		{"no picker yet", pickFacts{}, pickQueue, codes.OK},
		{"no picker, resolving failed", pickFacts{resolverErr: resolveErr}, pickFail, codes.Unavailable},
		{"no picker, resolving failed, wait for ready", pickFacts{resolverErr: resolveErr, waitForReady: true}, pickQueue, codes.OK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, st := triagePick(tc.f)
			assert.Equal(t, tc.want, v)
			assert.Equal(t, tc.code, st.Code())
		})
	}
}

func TestJudgePick(t *testing.T) {
	tfErr := errors.New("round_robin: no backend is reachable")
	stErr := status.Error(codes.ResourceExhausted, "policy says no")
	cases := []struct {
		name      string
		err       error
		connReady bool
		wfr       bool
		want      pickVerdict
		code      codes.Code
	}{
		{"ready subchannel", nil, true, false, pickAnswer, codes.OK},
		{"picked subchannel lost its connection", nil, false, false, pickQueue, codes.OK},
		{"policy connecting", balancer.ErrNoSubConnAvailable, false, false, pickQueue, codes.OK},
		{"policy connecting, wrapped", fmt.Errorf("x: %w", balancer.ErrNoSubConnAvailable), false, false, pickQueue, codes.OK},
		{"status error", stErr, false, false, pickFail, codes.ResourceExhausted},
		{"status error, wait for ready", stErr, false, true, pickFail, codes.ResourceExhausted},
		{"transient failure", tfErr, false, false, pickFail, codes.Unavailable},
		{"transient failure, wait for ready", tfErr, false, true, pickQueue, codes.OK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, st := judgePick(tc.err, tc.connReady, tc.wfr)
			assert.Equal(t, tc.want, v)
			assert.Equal(t, tc.code, st.Code())
			if tc.code == codes.Unavailable {
				assert.Equal(t, tc.err.Error(), st.Message(), "the policy's error says why")
			}
		})
	}
}

// TestQueuedPicks: what each kind of waiting call becomes on each event
// the channel repicks on (every waiting call is placed again, in order).
func TestQueuedPicks(t *testing.T) {
	type call struct {
		name      string
		wfr       bool
		ctxErr    error
		abandoned bool
	}
	calls := []call{
		{name: "plain"},
		{name: "wait-for-ready", wfr: true},
		{name: "context ended", ctxErr: context.DeadlineExceeded},
		{name: "abandoned", abandoned: true},
	}
	type channel struct {
		closed      bool
		havePicker  bool
		resolverErr error
		pickErr     error
		connReady   bool
	}
	events := []struct {
		name string
		ch   channel
		want []pickVerdict // per call above
	}{
		{"a READY picker", channel{havePicker: true, connReady: true},
			[]pickVerdict{pickAnswer, pickAnswer, pickFail, pickDrop}},
		{"a connecting picker", channel{havePicker: true, pickErr: balancer.ErrNoSubConnAvailable},
			[]pickVerdict{pickQueue, pickQueue, pickFail, pickDrop}},
		{"a TRANSIENT_FAILURE picker", channel{havePicker: true, pickErr: errors.New("every address failed")},
			[]pickVerdict{pickFail, pickQueue, pickFail, pickDrop}},
		{"the picked subchannel went away", channel{havePicker: true},
			[]pickVerdict{pickQueue, pickQueue, pickFail, pickDrop}},
		{"first resolution failed", channel{resolverErr: errors.New("no such host")},
			[]pickVerdict{pickFail, pickQueue, pickFail, pickDrop}},
		{"shutdown", channel{closed: true, havePicker: true, connReady: true},
			[]pickVerdict{pickFail, pickFail, pickFail, pickDrop}},
	}
	for _, ev := range events {
		for i, c := range calls {
			t.Run(ev.name+"/"+c.name, func(t *testing.T) {
				v, _ := triagePick(pickFacts{abandoned: c.abandoned, ctxErr: c.ctxErr, closed: ev.ch.closed,
					havePicker: ev.ch.havePicker, resolverErr: ev.ch.resolverErr, waitForReady: c.wfr})
				if v == pickRun {
					v, _ = judgePick(ev.ch.pickErr, ev.ch.connReady, c.wfr)
				}
				assert.Equal(t, ev.want[i], v)
			})
		}
	}
}

func TestWaitsForReady(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		opt  *bool
		cfg  *bool
		want bool
	}{
		{nil, nil, false}, {nil, &yes, true}, {nil, &no, false},
		{&yes, nil, true}, {&no, &yes, false}, {&yes, &no, true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, waitsForReady(tc.opt, serviceconfig.MethodConfig{WaitForReady: tc.cfg}))
	}
}

func TestChooseServiceConfig(t *testing.T) {
	def := &serviceconfig.Config{}
	inForce := &serviceconfig.Config{}
	good := `{"loadBalancingConfig":[{"round_robin":{}}]}`
	cases := []struct {
		name     string
		js       string
		disabled bool
		running  bool
		want     *serviceconfig.Config // nil: parsed from js
		err      bool
	}{
		{"none given", "", false, true, def, false},
		{"disabled", good, true, true, def, false},
		{"valid", good, false, false, nil, false},
		{"invalid, one in force", `{"loadBalancingConfig":`, false, true, inForce, false},
		{"invalid, none in force", `{"loadBalancingConfig":`, false, false, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := chooseServiceConfig(tc.js, tc.disabled, def, inForce, tc.running)
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			if tc.want != nil {
				assert.Same(t, tc.want, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, "round_robin", got.LoadBalancing[0].Name)
		})
	}
}

// TestPolicySwitch: which policy a config puts in force, with what
// config, and whether that replaces the running one.
func TestPolicySwitch(t *testing.T) {
	known := func(name string) bool { return name == "pick_first" || name == "round_robin" }
	cfg := &serviceconfig.Config{LoadBalancing: []serviceconfig.LBPolicy{
		{Name: "weighted_fancy", Config: []byte(`{"a":1}`)},
		{Name: "round_robin", Config: []byte(`{}`)},
	}}
	assert.Equal(t, "round_robin", policyName(cfg, known), "the first registered one")
	assert.Equal(t, "pick_first", policyName(nil, known))
	assert.Equal(t, "pick_first", policyName(&serviceconfig.Config{LoadBalancing: cfg.LoadBalancing[:1]}, known))
	assert.Equal(t, []byte(`{}`), policyConfig(cfg, "round_robin"))
	assert.Nil(t, policyConfig(cfg, "pick_first"))
	assert.Nil(t, policyConfig(nil, "pick_first"))

	cases := []struct {
		running       bool
		current, name string
		want          bool
	}{
		{false, "", "pick_first", true},
		{true, "pick_first", "pick_first", false},
		{true, "pick_first", "round_robin", true},
		{true, "round_robin", "pick_first", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, switchesPolicy(tc.running, tc.current, tc.name), "%+v", tc)
	}
}
