package rpc

import (
	"sort"

	"github.com/actorpc/actorpc/actors"
)

// actorResolver is a resolver that runs an actor of its own (dns, manual):
// the channel lists it in Inspect.
type actorResolver interface {
	Actor() *actors.Ref
}

// children are the actors the channel owns, for Inspect: its resolver's
// actor, its subchannels, and those shut down that still drain.
func (a *channelActor) children() []*actors.Ref {
	var kids []*actors.Ref
	if r, ok := a.resolver.(actorResolver); ok {
		kids = append(kids, r.Actor())
	}
	scs := make([]*actors.Ref, 0, len(a.subchannels)+len(a.removed))
	for sc := range a.subchannels {
		scs = append(scs, sc.ref)
	}
	for _, sc := range a.removed {
		scs = append(scs, sc.ref)
	}
	sort.Slice(scs, func(i, j int) bool { return scs[i].Name() < scs[j].Name() })
	return append(kids, scs...)
}
