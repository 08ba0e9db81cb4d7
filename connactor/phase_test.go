package connactor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPhaseTable checks the connection's life cycle on every (phase,
// event) pair.
func TestPhaseTable(t *testing.T) {
	type want struct {
		next connPhase
		act  phaseAction
	}
	stay := func(p connPhase) want { return want{p, noAction} }
	table := map[connPhase]map[phaseEvent]want{
		phaseServing: {
			phDrain:      {phaseDraining, sendFirstGoAway},
			phGoAway:     {phaseGoneAway, sendFinalGoAway},
			phPeerGoAway: stay(phasePeerGoingAway),
			phFail:       {phaseClosing, sendFinalGoAway},
			phEnd:        stay(phaseClosing),
			phClosed:     stay(phaseClosed),
		},
		phaseDraining: {
			phDrain:      stay(phaseDraining), // a second GracefulClose changes nothing
			phGoAway:     {phaseGoneAway, sendFinalGoAway},
			phPeerGoAway: {phaseGoneAway, sendFinalGoAway}, // nothing races the final GOAWAY now
			phFail:       {phaseClosing, sendFinalGoAway},
			phEnd:        stay(phaseClosing),
			phClosed:     stay(phaseClosed),
		},
		phasePeerGoingAway: {
			phDrain:      {phaseGoneAway, sendFinalGoAway},
			phGoAway:     {phaseGoneAway, sendFinalGoAway},
			phPeerGoAway: stay(phasePeerGoingAway), // a second GOAWAY (the graceful pair)
			phFail:       {phaseClosing, sendFinalGoAway},
			phEnd:        stay(phaseClosing),
			phClosed:     stay(phaseClosed),
		},
		phaseGoneAway: {
			phDrain:      stay(phaseGoneAway),
			phGoAway:     stay(phaseGoneAway), // GOAWAY goes out once
			phPeerGoAway: stay(phaseGoneAway),
			phFail:       stay(phaseClosing), // ours went out already
			phEnd:        stay(phaseClosing),
			phClosed:     stay(phaseClosed),
		},
		phaseClosing: {
			phDrain:      stay(phaseClosing),
			phGoAway:     stay(phaseClosing),
			phPeerGoAway: stay(phaseClosing),
			phFail:       stay(phaseClosing),
			phEnd:        stay(phaseClosing),
			phClosed:     stay(phaseClosed),
		},
		phaseClosed: {
			phDrain:      stay(phaseClosed),
			phGoAway:     stay(phaseClosed),
			phPeerGoAway: stay(phaseClosed),
			phFail:       stay(phaseClosed),
			phEnd:        stay(phaseClosed),
			phClosed:     stay(phaseClosed),
		},
	}
	for p := phaseServing; p <= phaseClosed; p++ {
		row, ok := table[p]
		require.True(t, ok, "no row for %v", p)
		for ev := range numPhaseEvents {
			w, ok := row[ev]
			require.True(t, ok, "no cell for %v in %v", ev, p)
			next, act := nextPhase(p, ev)
			require.Equal(t, w.next, next, "%v in %v: next phase", ev, p)
			require.Equal(t, w.act, act, "%v in %v: action", ev, p)
		}
	}
}

// TestPhaseNeverGoesBack: no event returns a connection to a phase it
// left, and GOAWAY is owed at most once on any path.
func TestPhaseNeverGoesBack(t *testing.T) {
	var walk func(p connPhase, finals int, depth int)
	walk = func(p connPhase, finals int, depth int) {
		if depth == 0 {
			return
		}
		for ev := range numPhaseEvents {
			next, act := nextPhase(p, ev)
			require.GreaterOrEqual(t, next, p, "%v in %v went back to %v", ev, p, next)
			n := finals
			if act == sendFinalGoAway {
				n++
			}
			require.LessOrEqual(t, n, 1, "%v in %v: a second final GOAWAY", ev, p)
			walk(next, n, depth-1)
		}
	}
	walk(phaseServing, 0, 5)
}

// The questions asked of a phase.
func TestPhaseQuestions(t *testing.T) {
	for p := phaseServing; p <= phaseClosed; p++ {
		require.Equal(t, p != phaseServing, p.goingAway(), "%v", p)
		require.Equal(t, p == phaseServing, p.opensStreams(), "%v", p)
		require.Equal(t, p <= phasePeerGoingAway, p.takesStreams(), "%v", p)
		require.Equal(t, p == phasePeerGoingAway || p == phaseGoneAway, p.endsWithLastStream(), "%v", p)
	}
}
