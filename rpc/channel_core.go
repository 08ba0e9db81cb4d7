package rpc

import (
	"errors"
	"fmt"

	"github.com/actorpc/actorpc/rpc/balancer"
	"github.com/actorpc/actorpc/rpc/balancer/pickfirst"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/serviceconfig"
	"github.com/actorpc/actorpc/rpc/status"
)

// The channel's decisions, apart from the actor that carries them out: its
// connectivity state, what becomes of a call asking for a pick (answered,
// queued, failed) and the policy a service config puts in force. All pure;
// the channel actor runs the resolver, the balancer and the picker, and
// replies.

// channelConnectivity is what the channel's state is made of. The
// subchannels' states are aggregated by the policy (pick_first: its one
// subchannel's; round_robin: READY if any is, ...); the channel adds what
// comes before and after a policy: IDLE until used, CONNECTING while the
// first resolution runs, TRANSIENT_FAILURE when that resolution failed,
// SHUTDOWN for good once closed.
type channelConnectivity struct {
	exitedIdle bool // the first call or Connect started resolving
	// resolveFailed: resolving failed before any state arrived, so there
	// is no policy to ask.
	resolveFailed bool
	policy        connectivity.State // the policy's aggregate, once reported
	reported      bool               // the policy has reported at least once
	closed        bool
}

// state is the channel's connectivity state.
func (c channelConnectivity) state() connectivity.State {
	switch {
	case c.closed:
		return connectivity.Shutdown
	case !c.exitedIdle:
		return connectivity.Idle
	case c.reported:
		return c.policy
	case c.resolveFailed:
		return connectivity.TransientFailure
	}
	return connectivity.Connecting
}

// policyReported is the policy's aggregate (balancer.ClientConn's
// UpdateState). A policy that reports has a resolution: an earlier failure
// is behind it.
func (c *channelConnectivity) policyReported(s connectivity.State) {
	c.policy, c.reported, c.resolveFailed = s, true, false
}

// firstResolutionFailed: resolving failed with no state yet to go on.
func (c *channelConnectivity) firstResolutionFailed() { c.resolveFailed = true }

// pickVerdict is what the channel does with a call asking for a pick.
type pickVerdict uint8

const (
	// pickDrop: the call gave up; leave it without a word.
	pickDrop pickVerdict = iota
	// pickRun: ask the picker, then judgePick.
	pickRun
	// pickAnswer: reply with the picked subchannel's connection.
	pickAnswer
	// pickQueue: the call waits for the next picker, or for the picked
	// subchannel's next report.
	pickQueue
	// pickFail: the call ends with the status given.
	pickFail
)

func (v pickVerdict) String() string {
	return [...]string{"drop", "run picker", "answer", "queue", "fail"}[v]
}

// pickFacts is what the channel knows of a call and of itself when it
// places the call, before its picker runs.
type pickFacts struct {
	abandoned    bool  // the call told it stopped waiting
	ctxErr       error // the call's context ended
	closed       bool  // the channel is shutting down
	havePicker   bool  // the policy has published a picker
	resolverErr  error // the newest resolution error, nil after a good state
	waitForReady bool  // the call (or its method's config) waits for ready
}

// triagePick decides what can be decided without the picker. The order
// matters: a call that left is not answered at all; a closing channel
// ends every call with Canceled, wait-for-ready or not; a call whose
// context ended gets its context's status; without a picker, a failed
// resolution fails the calls that do not wait for ready and queues the
// others.
func triagePick(f pickFacts) (pickVerdict, *status.Status) {
	switch {
	case f.abandoned:
		return pickDrop, nil
	case f.closed:
		return pickFail, errClosing()
	case f.ctxErr != nil:
		return pickFail, status.FromContextError(f.ctxErr)
	case f.havePicker:
		return pickRun, nil
	case f.resolverErr != nil && !f.waitForReady:
		return pickFail, status.New(codes.Unavailable, f.resolverErr.Error())
	}
	return pickQueue, nil
}

// judgePick turns the picker's answer into a verdict. pickErr is the
// picker's error; connReady says whether the subchannel it picked has a
// connection that takes calls (its newest report is READY, and the
// connection is not going away).
//
//   - a subchannel with a live connection: answer;
//   - a subchannel without one (it lost it since the picker was made):
//     queue until its report, or the policy's next picker;
//   - ErrNoSubConnAvailable (the policy is connecting): queue;
//   - a status error: fail with it, even a wait-for-ready call (the
//     policy means it, as in grpc-go);
//   - any other error (a TRANSIENT_FAILURE picker): fail with
//     Unavailable, unless the call waits for ready.
func judgePick(pickErr error, connReady, waitForReady bool) (pickVerdict, *status.Status) {
	if pickErr == nil {
		if connReady {
			return pickAnswer, nil
		}
		return pickQueue, nil
	}
	if errors.Is(pickErr, balancer.ErrNoSubConnAvailable) {
		return pickQueue, nil
	}
	if st, ok := status.FromError(pickErr); ok {
		return pickFail, st
	}
	if waitForReady {
		return pickQueue, nil
	}
	return pickFail, status.New(codes.Unavailable, pickErr.Error())
}

// waitsForReady is the call option when given, else the method's config.
func waitsForReady(callOption *bool, mc serviceconfig.MethodConfig) bool {
	if callOption != nil {
		return *callOption
	}
	return mc.WaitForReady != nil && *mc.WaitForReady
}

// chooseServiceConfig is the service config to put in force when the
// resolver brings js: the resolver's when it gives one that parses and the
// application allows it; the default one when it gives none (or is not
// allowed to); when js does not parse, the one in force, as gRPC's spec
// says, or a resolution error when none is in force yet (no policy runs).
func chooseServiceConfig(js string, disabled bool, def, inForce *serviceconfig.Config, running bool) (*serviceconfig.Config, error) {
	if js == "" || disabled {
		return def, nil
	}
	parsed, err := serviceconfig.Parse(js)
	switch {
	case err == nil:
		return parsed, nil
	case running:
		return inForce, nil
	}
	return nil, fmt.Errorf("the resolver's service config is invalid: %w", err)
}

// policyName is the first policy of cfg's loadBalancingConfig that is
// registered (registered says), pick_first when there is none.
func policyName(cfg *serviceconfig.Config, registered func(name string) bool) string {
	if cfg != nil {
		for _, p := range cfg.LoadBalancing {
			if registered(p.Name) {
				return p.Name
			}
		}
	}
	return pickfirst.Name
}

// policyConfig is the config cfg gives the policy name, nil when none.
func policyConfig(cfg *serviceconfig.Config, name string) []byte {
	if cfg == nil {
		return nil
	}
	for _, p := range cfg.LoadBalancing {
		if p.Name == name {
			return p.Config
		}
	}
	return nil
}

// switchesPolicy says whether putting name in force replaces the running
// policy: yes when none runs or another does. The same policy keeps its
// subchannels and takes the new addresses and config as an update.
func switchesPolicy(running bool, current, name string) bool {
	return !running || current != name
}
