package rpc

import (
	"context"
	"slices"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// A hedged stream (A6's hedgingPolicy on a streaming method) races
// several attempts until one commits: every message the application sends
// goes to each of them (and into the replay buffer, for the hedges still
// to come), and the first response headers, or a status that ends the
// call, pick the attempt the application then reads from; the others are
// cancelled. Until then RecvMsg and Header wait for that decision.
//
// The hedges actor (driveHedges) holds the hedging timer and hears from
// each attempt's watcher; like the call's two goroutines it works on the
// attempts only while it holds the baton.

// hedge is one attempt of a hedged stream.
type hedge struct {
	cs     *streamactor.ClientStream
	picked pickedCall
	stats  *attemptStats      // nil without stats handlers
	cancel context.CancelFunc // ends this attempt alone
}

// hedgeEvent is what an attempt's watcher reports, once.
type hedgeEvent struct {
	h       *hedge
	headers bool // response headers arrived; else the attempt ended
}

// hedging: the call races hedges and has not picked one yet.
func (a *streamAttempts) hedging() bool { return a.race != nil && !a.committed }

// openHedged starts the first hedge and the actor that drives the rest.
// ok is false when the first could not open: the call then goes on
// without hedging (transparent retries only), as the retry path decides.
func (a *streamAttempts) openHedged(picked pickedCall) (_ attemptEnd, ok bool) {
	a.race = &hedgeRace{decided: make(chan struct{}), events: make(chan hedgeEvent, a.core.hedge.MaxAttempts+1)}
	first, e, ok := a.startHedge(picked)
	if !ok {
		a.core.hedge = nil
		a.race = nil
		return e, false
	}
	a.driveHedges(first)
	return attemptEnd{}, true
}

// startHedge opens one hedge on picked and replays on it what the call
// sent. It returns the core's step after the launch, or how it failed.
func (a *streamAttempts) startHedge(picked pickedCall) (step, attemptEnd, bool) {
	s := a.s
	transparent := a.core.nextTransparent
	next := a.core.launched()
	ctx, cancel := context.WithCancel(picked.ctx)
	var as *attemptStats
	fail := func(st *status.Status, unprocessed bool) (step, attemptEnd, bool) {
		cancel()
		picked.cancel()
		a.final = st
		as.endStatus(nil, st)
		return step{}, attemptEnd{code: st.Code(), unprocessed: unprocessed}, false
	}
	if err := a.applyLimits(picked); err != nil {
		return fail(status.Convert(err), false)
	}
	head := s.cc.requestHead(ctx, s.method, s.comp)
	head.PreviousAttempts = a.core.previous
	if err := s.cc.addPerRPCMetadata(ctx, &head.Metadata, s.method, picked.conn, &s.ci); err != nil {
		return fail(status.Convert(err), false)
	}
	attempt := pickedCall{ctx: ctx, conn: picked.conn}
	as, err := s.beginAttempt(&attempt, &head, transparent)
	if err != nil {
		return fail(status.Convert(err), false)
	}
	cs, st := streamactor.NewClientStream(attempt.ctx, picked.conn, head, s.ci.maxRecvMsgSize)
	if st != nil {
		return fail(st, s.parent.Err() == nil)
	}
	h := &hedge{cs: cs, picked: picked, stats: as, cancel: func() { cancel(); picked.cancel() }}
	a.race.hedges = append(a.race.hedges, h)
	events := a.race.events
	actors.Spawn(s.parent, "hedge "+s.method, func(context.Context) error {
		<-cs.HeaderReady() // closes before Done, with headers or at the end
		if cs.HeadersArrived() {
			events <- hedgeEvent{h: h, headers: true}
			return nil
		}
		<-cs.Done()
		events <- hedgeEvent{h: h}
		return nil
	})
	for i, m := range a.sent {
		if cs.Send(m, true) != nil {
			break // its watcher reports the end
		}
		if as == nil {
			continue // (sentStats is kept only for stats handlers)
		}
		if err := as.outPayload(a.sentStats[i].m, a.sentStats[i].length, len(m)); err != nil {
			h.cancel() // a stats handler panicked: this hedge ends (its watcher reports it)
			break
		}
	}
	if a.closed {
		cs.CloseSend()
	}
	return next, attemptEnd{}, true
}

// driveHedges spawns the actor that sends the hedges as the core says,
// until the call picks one or its context ends.
func (a *streamAttempts) driveHedges(first step) {
	s := a.s
	events, decided := a.race.events, a.race.decided
	actors.Spawn(s.parent, "hedges "+s.method, func(ctx context.Context) error {
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		defer timer.Stop()
		arm := func(st step) {
			if st.act == actSleep {
				timer.Reset(st.delay)
			}
		}
		arm(first)
		for {
			select {
			case ev := <-events:
				h := s.take()
				arm(h.hedgeEvent(ev))
				s.put(h)
			case <-timer.C:
				h := s.take()
				if h.hedging() {
					arm(h.followHedges(h.core.timerFired(), nil))
				}
				s.put(h)
			case <-decided:
				return nil
			case <-ctx.Done():
				h := s.take()
				h.decide(nil, status.FromContextError(ctx.Err()))
				s.put(h)
				return nil
			}
		}
	})
}

// hedgeEvent takes in what an attempt's watcher reported.
func (a *streamAttempts) hedgeEvent(ev hedgeEvent) step {
	if !a.hedging() {
		return step{act: actWait}
	}
	if ev.headers {
		a.decide(ev.h, nil)
		return step{act: actWait}
	}
	a.race.hedges = slices.DeleteFunc(a.race.hedges, func(h *hedge) bool { return h == ev.h })
	st := ev.h.cs.Status()
	ev.h.stats.endStatus(ev.h.cs.Trailer(), st)
	headerReceived, unprocessed := ev.h.cs.Outcome()
	e := attemptEnd{code: st.Code(), unprocessed: unprocessed, committed: headerReceived}
	e.pushback, e.pushedFor = pushback(ev.h.cs.Trailer())
	return a.followHedges(a.core.ended(e), ev.h)
}

// followHedges carries out the core's steps until it waits for an event
// or the timer (the step returned); ended is the attempt that just ended,
// if any: the one the call ends with when the core says so.
func (a *streamAttempts) followHedges(next step, ended *hedge) step {
	s := a.s
	for {
		switch next.act {
		case actAskThrottle:
			next = a.core.throttleSaid(s.cc.retryAllowed(s.parent))
		case actLaunch:
			picked, err := s.cc.pick(s.parent, s.method, &s.ci, s.start, 0)
			if err != nil {
				err = s.cc.pickFailed(s.parent, s.method, &s.ci, s.desc, a.core.nextTransparent, err)
				a.core.launched()
				a.final = status.Convert(err)
				ended = nil
				next = a.core.ended(attemptEnd{code: a.final.Code(), notSent: true})
				continue
			}
			var e attemptEnd
			var ok bool
			if next, e, ok = a.startHedge(picked); !ok {
				ended = nil
				next = a.core.ended(e)
			}
		case actFinish:
			a.decide(ended, a.final)
			return step{act: actWait}
		default:
			return next
		}
	}
}

// decide picks the attempt the call goes on with (h), or ends the call
// with st when there is none; the other hedges are cancelled.
func (a *streamAttempts) decide(h *hedge, st *status.Status) {
	if !a.hedging() {
		return
	}
	for _, o := range a.race.hedges {
		if o != h {
			o.cancel()
			o.stats.end(nil, errHedgeLost)
		}
	}
	a.race.hedges = nil
	if h != nil {
		a.cs, a.picked, a.stats, a.final = h.cs, h.picked, h.stats, nil
		a.gen++
		a.s.ci.notePeer(h.picked.conn)
		actors.Spawn(a.s.parent, "release "+a.s.method, func(context.Context) error {
			<-h.cs.Done()
			h.cancel()
			return nil
		})
	} else {
		if st == nil {
			st = status.New(codes.Unavailable, "rpc: every hedged attempt failed")
		}
		a.final = st
	}
	a.commit()
	close(a.race.decided)
}

// errHedgeLost is the End of a hedge cancelled because the call went on
// with another.
var errHedgeLost = status.Error(codes.Canceled, "rpc: another hedged attempt was picked")

// sendHedged is SendMsg while the call races hedges: framed goes to each
// (and into the replay buffer). It reports false when the call has picked
// an attempt meanwhile, or must now (its buffer is full): the caller then
// sends as on any committed call.
func (s *clientStream) sendHedged(a *streamAttempts, framed []byte, m any, length int) bool {
	if !a.keep(framed, m, length) {
		// Past the buffer: the call goes on with the first hedge still
		// running (the oldest, most likely to answer first).
		var first *hedge
		if hedges := a.racing(); len(hedges) > 0 {
			first = hedges[0]
		}
		a.decide(first, nil)
		s.send = a.view()
		s.put(a)
		return false
	}
	targets := slices.Clone(a.racing())
	s.send = a.view()
	s.put(a)
	for _, h := range targets {
		if h.cs.Send(framed, true) != nil {
			continue // a hedge that ended reports it to the hedges actor
		}
		if err := h.stats.outPayload(m, length, len(framed)); err != nil {
			h.cancel() // a stats handler panicked: this hedge ends
		}
	}
	return true
}

// awaitDecision waits, while the call races hedges, for it to pick an
// attempt; then v is that attempt, or the call's status when it has none.
func (s *clientStream) awaitDecision(v *attemptView) *status.Status {
	if v.committed || v.decided == nil {
		return nil
	}
	<-v.decided
	a := s.take()
	*v = a.view()
	final := a.final
	s.put(a)
	if v.cs == nil {
		return final
	}
	return nil
}
