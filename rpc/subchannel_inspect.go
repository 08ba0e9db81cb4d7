package rpc

import (
	"fmt"

	"github.com/actorpc/actorpc/actors"
)

// answerProbe tells Inspect the subchannel's state and the actors it
// owns: its connection, the connections draining after a GOAWAY, and its
// health watch.
func (a *subchannelActor) answerProbe(reply chan<- actors.Report) {
	var kids []*actors.Ref
	if a.conn != nil {
		kids = append(kids, a.conn.Ref())
	}
	for _, c := range a.draining {
		kids = append(kids, c.Ref())
	}
	if a.watch != nil {
		kids = append(kids, a.watch.ref)
	}
	state := fmt.Sprintf("state=%s failures=%d draining=%d health=%t", a.state, a.failures, len(a.draining), a.healthCfg.enabled)
	stats := SubchannelStats{Ref: a.sc.ref, Addr: a.sc.addr.Addr, State: a.state.String(), Ended: a.ended}
	actors.Answer(reply, actors.Report{State: state, Stats: stats, Counts: a.counts, Children: kids})
}
